/**
 * @module
 * POST /v1/:chain[/:key]: the request path (shared/pipeline/runPipeline.ts) run with the key the
 * request carries and its body read within the size limit, and the answers as the response. Plain Request -> Response, without the router: this is the hot path.
 */
import { ALL_CACHE, type CacheMode } from "../../../../shared/cache/callCache";
import { type Env, settingsOf } from "../../../../shared/config/env";
import { runPipeline } from "../../../../shared/pipeline/runPipeline";
import { authenticateRpc } from "../auth/authenticate";
import { gate } from "../auth/gate";
import { refusalHeaders } from "../auth/refusalHeaders";
import { readBody } from "./readBody";
import { baseHeaders, respond } from "./respond";
import type { RpcRoute } from "./route";

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
  const headers = baseHeaders(request, requestId);
  const result = await runPipeline({
    env,
    authenticate: async () => {
      const sent = request.headers;
      const found = await authenticateRpc({
        env,
        headers: sent,
        pathKey: route.key,
        slug: route.chain,
        waitUntil,
      });
      const { key, rules } = await gate(env, found.key, sent, found.chain.slug);
      return { key, chain: found.chain, rules };
    },
    read: () => readBody(request, settingsOf(env).maxBodyBytes),
    cacheMode: cacheModeOf(request.headers),
    subscriptions: undefined,
    waitUntil,
  });
  return respond(result, result.ok ? headers : { ...headers, ...refusalHeaders(result.error) }, requestId);
}

/** `Cache-Control: no-cache` asks for an upstream's answer; `no-store` also keeps it out of the cache. */
function cacheModeOf(headers: Headers): CacheMode {
  const control = headers.get("cache-control");
  if (control === null) return ALL_CACHE;
  const noStore = /\bno-store\b/i.test(control);
  return { read: !noStore && !/\bno-cache\b/i.test(control), write: !noStore };
}
