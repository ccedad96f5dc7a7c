/**
 * @module
 * CORS that follows the key: a browser's preflight to `/v1/<chain>/<key>` gets
 * `Access-Control-Allow-Origin` only when that key's lists allow the origin (and the address and
 * chain); keys without lists, and paths without a key, stay open to every origin.
 */
import type { Context } from "hono";
import type { Env } from "../../../../shared/config/env";
import { checkRequest, compileRules } from "../../../../shared/keys/keyRules";
import { matchRpcRoute } from "../rpc/route";
import { authenticate } from "./authenticate";

/** The Access-Control-Allow-Origin for `origin`: "*", or null when the path's key refuses it. */
export async function allowedOrigin(origin: string, c: Context<{ Bindings: Env }>): Promise<string | null> {
  const route = matchRpcRoute(c.req.url);
  if (!route?.key) return "*";
  const key = await authenticate({
    env: c.env,
    headers: c.req.raw.headers,
    pathKey: route.key,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  }).catch(() => undefined);
  if (!key?.rules) return "*";
  const facts = { origin: origin || null, ip: c.req.header("cf-connecting-ip") ?? null, chain: route.chain };
  return checkRequest(compileRules(key.rules), facts) ? null : "*";
}
