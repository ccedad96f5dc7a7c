/**
 * @module
 * Subscriptions: one of the three entry points of the one deployed script (composed in
 * workers/gateway/src/index.ts). WebSocket upgrades the gateway has authenticated arrive here through
 * the STREAM service binding, with the region and shard cap the gateway chose, and go to the shard
 * the directory of the chain's shards in that region assigns (directory/). The feed (feed/), shard
 * (shard/) and directory Durable Objects share the script's bindings and the request path in shared/.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { Env } from "../../../shared/config/env";
import { InternalError } from "../../../shared/errors/kinds";
import { errorEntry } from "../../../shared/jsonrpc/serialize";
import { chainOf, withShard } from "../../../shared/stream/connection";
import { directoryStub, placementFrom, shardName, shardStub } from "../../../shared/stream/placement";
import type { ShardCount } from "../../../shared/stream/protocol";
import { FULL_HEADER } from "./shard/directoryLink";

export { ShardDirectory } from "./directory/shardDirectory";
export { ChainFeed } from "./feed/chainFeed";
export { FanoutShard } from "./shard/fanoutShard";

/** Shards tried for one upgrade: more than one only while sockets arrive faster than shards report. */
const MAX_TRIES = 4;

export class Stream extends WorkerEntrypoint<Env> {
  override async fetch(request: Request): Promise<Response> {
    const chain = chainOf(request);
    if (chain === undefined) return new Response("not an upgrade from the gateway", { status: 400 });
    const { region, cap } = placementFrom(request);
    const directory = directoryStub(this.env, chain, region);
    let full: ShardCount | undefined;
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const index = await directory.assign({ cap, full });
      const name = shardName(chain, region, index);
      const res = await shardStub(this.env, name).fetch(withShard(request, name));
      const sockets = res.headers.get(FULL_HEADER);
      if (sockets === null) return res;
      full = { index, sockets: Number(sockets) };
    }
    const error = new InternalError("every WebSocket shard tried was full: open the socket again");
    return new Response(errorEntry("null", error.toJsonRpc()), {
      status: error.httpStatus,
      headers: { "content-type": "application/json" },
    });
  }
}
