/**
 * @module
 * Subscriptions: one of the three entry points of the one deployed script (composed in
 * workers/gateway/src/index.ts). WebSocket upgrades the gateway has authenticated arrive here through
 * the STREAM service binding, with the region and shard cap the gateway chose; placeSocket.ts checks
 * the tenant's socket cap and hands each to the shard the directory of the chain's shards in that
 * region assigns (directory/). The feed (feed/), shard (shard/) and directory Durable Objects share
 * the script's bindings and the request path in shared/. A directory, shard or meter that fails is a
 * JSON-RPC error with HTTP 503 and `retry-after`, never a 500.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { Env } from "../../../shared/config/env";
import { GatewayError } from "../../../shared/errors/base";
import { StreamUnavailableError } from "../../../shared/errors/kinds";
import { redact } from "../../../shared/errors/redact";
import { chainOf } from "../../../shared/stream/connection";
import { CAPACITY_RETRY_S, placeSocket } from "./placeSocket";
import { refusal } from "./refusal";

export { ShardDirectory } from "./directory/shardDirectory";
export { ChainFeed } from "./feed/chainFeed";
export { FanoutShard } from "./shard/fanoutShard";

export class Stream extends WorkerEntrypoint<Env> {
  override async fetch(request: Request): Promise<Response> {
    const chain = chainOf(request);
    if (chain === undefined) return new Response("not an upgrade from the gateway", { status: 400 });
    try {
      return await placeSocket(this.env, chain, request, (p) => this.ctx.waitUntil(p));
    } catch (err) {
      if (err instanceof GatewayError) return refusal(err);
      console.warn(
        JSON.stringify({ event: "stream_upgrade_failed", chain, error: redact(String(err)).slice(0, 200) }),
      );
      return refusal(streamUnavailable(err));
    }
  }
}

/** The refusal of an upgrade the stream's objects failed to place or accept. */
function streamUnavailable(cause: unknown): StreamUnavailableError {
  return new StreamUnavailableError(
    `WebSocket subscriptions could not take the socket just now: open it again in ${CAPACITY_RETRY_S} s`,
    { data: { retryAfter: CAPACITY_RETRY_S }, cause },
  );
}
