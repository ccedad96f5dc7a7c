/**
 * @module
 * GET /admin/v1/openapi.json: the admin API's OpenAPI document, made from the app's router table
 * the first time it is asked for in an isolate (the table does not change while it runs). Public:
 * it describes the API, and holds no data.
 */
import type { Context } from "hono";
import { type DocumentOptions, openApiDocument, type RouteRow } from "./document";

export const ADMIN_DOCUMENT: DocumentOptions = {
  prefix: "/admin/v1/",
  errors: "admin",
  info: {
    title: "RPC gateway admin API",
    version: "1",
    description:
      "Chains, upstreams, plans, tenants, keys, jobs, sanctions, audit and metrics of the gateway. Every call takes an admin JWT (Authorization: Bearer); GET needs scope admin:read, the others admin:write. Changes are audited.",
  },
};

/** The handler serving the document of `routes()` (read when first asked) under `options`. */
export function documentRoute(routes: () => readonly RouteRow[], options: DocumentOptions) {
  let document: Record<string, unknown> | undefined;
  return (c: Context) => {
    document ??= openApiDocument(routes(), options);
    return c.json(document, 200, { "cache-control": "public, max-age=300" });
  };
}
