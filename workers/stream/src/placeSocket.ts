/**
 * @module
 * Where an authenticated upgrade's socket goes. First the tenant's socket cap: the socket's place is
 * held on the tenant's meter (under the id the socket will have) before any placement, so an
 * upgrade over the cap is refused without reaching the region's directory, the one object every
 * tenant's upgrades in that region share. Then the directory assigns a shard (an in-memory count, no
 * write), and the shard accepts the socket, renewing that same hold. A shard that answers full is
 * reported to the directory with its count, and the next one assigned is tried; after MAX_TRIES the
 * client is told the stream is at capacity, with when to retry. If the socket does not open, its
 * hold is released.
 */
import type { Env } from "../../../shared/config/env";
import { StreamAtCapacityError, StreamLimitError } from "../../../shared/errors/kinds";
import { type Connection, connectionOf, withConnId, withShard } from "../../../shared/stream/connection";
import { directoryStub, placementFrom, shardName, shardStub } from "../../../shared/stream/placement";
import type { ShardCount } from "../../../shared/stream/protocol";
import { refusal } from "./refusal";
import { FULL_HEADER } from "./shard/directoryLink";
import { socketHold } from "./shard/holds";

/** Shards tried for one upgrade: more than one only while sockets arrive faster than shards report. */
const MAX_TRIES = 4;

/** Seconds a client refused for capacity waits: by then the shards have reported their counts. */
export const CAPACITY_RETRY_S = 1;

/** The refusal of a socket over its plan's cap of sockets per tenant (the shard's is the same). */
export function overSocketCap(conn: Pick<Connection, "maxConnections">): StreamLimitError {
  return new StreamLimitError(
    `this plan allows ${conn.maxConnections} open WebSockets per tenant: close one before opening another`,
  );
}

/** The shard's answer to `request` (an upgrade of `chain` from the gateway), or the refusal. */
export async function placeSocket(
  env: Env,
  chain: string,
  request: Request,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<Response> {
  const connId = crypto.randomUUID();
  const conn = connectionOf(request, "", connId);
  if (!conn) return new Response("not an upgrade from the gateway", { status: 400 });
  const meter = env.METER.getByName(conn.tenantId);
  if (!(await meter.hold(socketHold(conn)))) return refusal(overSocketCap(conn));
  let opened = false;
  try {
    const res = await toShard(env, chain, withConnId(request, connId));
    opened = res.status === 101;
    return res;
  } finally {
    if (!opened)
      waitUntil(meter.release({ kind: "socket", ids: [connId], owner: connId }).catch(() => undefined));
  }
}

async function toShard(env: Env, chain: string, request: Request): Promise<Response> {
  const { region, cap } = placementFrom(request);
  const directory = directoryStub(env, chain, region);
  let full: ShardCount | undefined;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const index = await directory.assign({ chain, region, cap, full });
    const name = shardName(chain, region, index);
    const res = await shardStub(env, name).fetch(withShard(request, name));
    const sockets = res.headers.get(FULL_HEADER);
    if (sockets === null) return res;
    full = { index, sockets: Number(sockets) };
  }
  return refusal(
    new StreamAtCapacityError(
      `every WebSocket shard of this chain tried in your region is at capacity: open the socket again in ${CAPACITY_RETRY_S} s`,
      { data: { retryAfter: CAPACITY_RETRY_S } },
    ),
  );
}
