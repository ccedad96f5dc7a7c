/**
 * @module
 * GET /admin/v1/openapi.json and GET /v1/openapi.json: the OpenAPI documents of the admin API and of
 * the public API, each made from its router's table the first time it is asked for in an isolate
 * (the table does not change while it runs). Public: they describe the APIs, and hold no data.
 */
import type { Context } from "hono";
import { type DocumentOptions, openApiDocument, type RouteRow } from "./document";

export const ADMIN_DOCUMENT: DocumentOptions = {
  prefixes: ["/admin/v1/"],
  errors: "admin",
  info: {
    title: "RPC gateway admin API",
    version: "1",
    description:
      "Chains, upstreams, plans, tenants, keys, jobs, sanctions, audit and metrics of the gateway. Every call takes an admin JWT (Authorization: Bearer); GET needs scope admin:read, the others admin:write. Changes are audited.",
  },
};

export const PUBLIC_DOCUMENT: DocumentOptions = {
  prefixes: ["/v1/", "/healthz", "/status.json"],
  errors: "rpc",
  info: {
    title: "RPC gateway API",
    version: "1",
    description:
      "The gateway's HTTP API beside JSON-RPC (POST /v1/{chain} with the key in x-api-key, or POST /v1/{chain}/{key}; a WebSocket on the same paths for eth_subscribe): your usage, prices, validators and chain health for an API key, each metered like a call with the x-ratelimit-* headers and the same 429 over a limit; liveness and the status report for anyone. Errors are JSON-RPC responses with id null.",
  },
};

/** The document of `routes()` under `options`, made when first asked for (the table does not change). */
export function lazyDocument(routes: () => readonly RouteRow[], options: DocumentOptions) {
  let document: Record<string, unknown> | undefined;
  return () => {
    document ??= openApiDocument(routes(), options);
    return document;
  };
}

/** The handler serving a document. */
export function documentRoute(document: () => Record<string, unknown>) {
  return (c: Context) => c.json(document(), 200, { "cache-control": "public, max-age=300" });
}
