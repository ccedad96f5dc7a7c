/**
 * @module
 * GET /v1/:chain[/:key] with `Upgrade: websocket`: the key and chain are checked here, as for HTTP
 * (with the key's origin, address and chain lists, unless the key secret is shown, and its JWT), and
 * the upgrade goes to the stream entrypoint through the STREAM service binding, with the region of
 * its shard (shared/stream/placement.ts): the binding does not carry `request.cf`. A refused
 * upgrade gets the same JSON-RPC error body and status as an HTTP request would; one the stream
 * cannot take (at capacity, or its objects out of reach) gets HTTP 503 with `retry-after`.
 */

import { resolveRpcChain } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { StreamUnavailableError, toGatewayError } from "../../../../shared/errors/kinds";
import { hashOf } from "../../../../shared/keys/resolveKey";
import { upgradeFor } from "../../../../shared/stream/connection";
import { placementOf, withPlacement } from "../../../../shared/stream/placement";
import { authenticate } from "../auth/authenticate";
import { extractKey } from "../auth/extractKey";
import { gate } from "../auth/gate";
import { refusalHeaders } from "../auth/refusalHeaders";
import { errorResponse } from "./respond";
import type { RpcRoute } from "./route";

export async function handleUpgrade(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  route: RpcRoute,
): Promise<Response> {
  const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
  try {
    const found = await authenticate({ env, headers: request.headers, pathKey: route.key, waitUntil });
    const hash = await hashOf(extractKey(route.key, request.headers) as string);
    const chain = await resolveRpcChain(env, route.chain, waitUntil);
    const { facts, key, token } = await gate(env, found, request.headers, chain.slug);
    const shown = {
      origin: facts.origin,
      ip: facts.ip,
      secretHash: facts.secret === null ? undefined : key.secretHash,
      token,
    };
    const upgrade = upgradeFor(request, key, hash, chain.slug, shown);
    // The region comes from the client's `cf` (or STREAM_REGION), never from a header it sent.
    return await env.STREAM.fetch(withPlacement(upgrade, placementOf(env, request))).catch((err: unknown) => {
      throw new StreamUnavailableError(
        `WebSocket subscriptions could not take the socket just now: open it again in ${STREAM_RETRY_S} s`,
        { data: { retryAfter: STREAM_RETRY_S }, cause: err },
      );
    });
  } catch (err) {
    const error = toGatewayError(err);
    const retry: Record<string, string> =
      error instanceof StreamUnavailableError ? { "retry-after": String(STREAM_RETRY_S) } : {};
    return errorResponse(error, { "content-type": "application/json", ...refusalHeaders(error), ...retry });
  }
}

/** Seconds a client whose upgrade the stream could not take waits before trying again. */
const STREAM_RETRY_S = 1;
