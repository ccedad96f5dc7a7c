/**
 * @module
 * Subscriptions: one of the three entry points of the one deployed script (composed in
 * workers/gateway/src/index.ts). WebSocket upgrades the gateway has authenticated arrive here through
 * the STREAM service binding and go to one of the chain's fan-out shards, chosen at random. The feed
 * (feed/) and shard (shard/) Durable Objects share the script's bindings and the request path in
 * shared/.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { Env } from "../../../shared/config/env";
import { withShard } from "../../../shared/stream/connection";

export { ChainFeed } from "./feed/chainFeed";
export { FanoutShard } from "./shard/fanoutShard";

/** Shards per chain unless STREAM_SHARDS says otherwise. */
const DEFAULT_SHARDS = 16;

export class Stream extends WorkerEntrypoint<Env> {
  override fetch(request: Request): Promise<Response> {
    const chain = new URL(request.url).pathname.split("/")[2] ?? "";
    const shards = Number(this.env.STREAM_SHARDS ?? DEFAULT_SHARDS) || DEFAULT_SHARDS;
    const shard = `${decodeURIComponent(chain)}/${Math.floor(Math.random() * shards)}`;
    return this.env.SHARD.getByName(shard).fetch(withShard(request, shard));
  }
}
