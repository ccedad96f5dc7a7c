/**
 * @module
 * POST /v1/:chain[/:key]: authenticate, resolve the chain, read and parse the body, answer, respond.
 * Plain Request -> Response, without the router: this is the hot path.
 */

import type { CacheMode } from "../../../../shared/cache/forwardCached";
import { resolveRpcChain } from "../../../../shared/config/chains";
import { type Env, settingsOf } from "../../../../shared/config/env";
import type { GatewayError } from "../../../../shared/errors/base";
import {
  MethodNotFoundError,
  SanctionedTransactionError,
  ScreeningUnavailableError,
  toGatewayError,
} from "../../../../shared/errors/kinds";
import { redact } from "../../../../shared/errors/redact";
import type { RpcCall } from "../../../../shared/jsonrpc/parse";
import { itemsOf, responseOf } from "../../../../shared/jsonrpc/requestItems";
import { errorEntry } from "../../../../shared/jsonrpc/serialize";
import { resolveKey } from "../../../../shared/keys/resolveKey";
import type { HereAnswer } from "../../../../shared/pipeline/answer";
import { answerMetered } from "../../../../shared/pipeline/metered";
import { extractKey } from "../auth/extractKey";
import { readBody } from "./readBody";
import type { RpcRoute } from "./route";

const JSON_HEADERS = { "content-type": "application/json" };
/** Response headers a browser may read. */
export const EXPOSED_HEADERS = [
  "x-request-id",
  "x-upstream-id",
  "x-upstream-attempts",
  "x-cache",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "retry-after",
];
/** CORS is open, so browsers and wallets may call from any origin; only browsers (Origin set) need it. */
const CORS_HEADERS = {
  ...JSON_HEADERS,
  "access-control-allow-origin": "*",
  "access-control-expose-headers": EXPOSED_HEADERS.join(", "),
};

export interface HandleRpcParameters {
  request: Request;
  env: Env;
  ctx: ExecutionContext;
  route: RpcRoute;
  requestId: string;
}

export async function handleRpc({
  request,
  env,
  ctx,
  route,
  requestId,
}: HandleRpcParameters): Promise<Response> {
  const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
  const base = request.headers.has("origin") ? CORS_HEADERS : JSON_HEADERS;
  const headers: Record<string, string> = { ...base, "x-request-id": requestId };
  try {
    const key = await resolveKey(env, extractKey(route.key, request.headers), waitUntil);
    const chain = await resolveRpcChain(env, route.chain, waitUntil);
    const settings = settingsOf(env);
    const { single, items } = itemsOf(await readBody(request, settings.maxBodyBytes), key);
    const { answers, attempts } = await answerMetered({
      env,
      items,
      key,
      chain,
      attemptTimeoutMs: settings.upstreamTimeoutMs,
      cacheMode: cacheModeOf(request.headers),
      leaseSeconds: settings.meterLeaseMs / 1000,
      headers,
      waitUntil,
      answerHere: refuseSubscriptions,
    });
    const upstreamIds = new Set<string>();
    headers["x-cache"] = answers.map((a) => a.cache).join(", ");
    for (const answer of answers) {
      if (answer.upstreamId) upstreamIds.add(answer.upstreamId);
      if (answer.error && answer.status >= 500) logFailure(requestId, answer.error, answer.upstreamId);
    }
    if (upstreamIds.size > 0) headers["x-upstream-id"] = [...upstreamIds].join(", ");
    if (attempts !== undefined) headers["x-upstream-attempts"] = String(attempts);
    const body = responseOf(
      single,
      answers.map((a) => a.entry),
    );
    if (body === undefined) {
      // A lone notification gets no body; when screening refused it, the status still says so.
      const error = single ? answers[0]?.error : undefined;
      const status =
        error instanceof SanctionedTransactionError || error instanceof ScreeningUnavailableError
          ? error.httpStatus
          : 204;
      return new Response(null, { status, headers });
    }
    return new Response(body, { status: single ? (answers[0]?.status ?? 200) : 200, headers });
  } catch (err) {
    const error = toGatewayError(err);
    if (error.httpStatus >= 500) logFailure(requestId, error, undefined);
    return errorResponse(error, headers);
  }
}

/** Subscriptions need a socket to deliver to: over HTTP they are refused with where to go instead. */
function refuseSubscriptions(call: RpcCall): Promise<HereAnswer> | undefined {
  if (call.method !== "eth_subscribe" && call.method !== "eth_unsubscribe") return undefined;
  const error = new MethodNotFoundError(
    `${call.method} needs a WebSocket: connect to this same URL with ws:// or wss://`,
  );
  return Promise.resolve({ error });
}

/** `Cache-Control: no-cache` asks for an upstream's answer; `no-store` also keeps it out of the cache. */
function cacheModeOf(headers: Headers): CacheMode {
  const control = headers.get("cache-control");
  if (control === null) return ALL_CACHE;
  const noStore = /\bno-store\b/i.test(control);
  return { read: !noStore && !/\bno-cache\b/i.test(control), write: !noStore };
}
const ALL_CACHE: CacheMode = { read: true, write: true };

/** A request-level failure as a JSON-RPC error response with id null. */
export function errorResponse(error: GatewayError, headers: Record<string, string> = JSON_HEADERS): Response {
  return new Response(errorEntry("null", error.toJsonRpc()), { status: error.httpStatus, headers });
}

function logFailure(requestId: string, error: GatewayError, upstreamId: string | undefined) {
  const cause =
    error.cause instanceof Error ? `${error.cause.name}: ${redact(error.cause.message)}` : undefined;
  console.warn(JSON.stringify({ event: "rpc_failure", requestId, code: error.code, upstreamId, cause }));
}
