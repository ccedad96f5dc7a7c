/**
 * @module
 * The shard's link to its chain's feed: attach while it has subscriptions, detach when it has none,
 * one call at a time, so an attach and a detach never cross. A regional shard follows its region's
 * feed (one per chain and region, created there, following the chain's upstreams from there), so a
 * head crosses no ocean between the feed and the sockets; a shard named before regions follows the
 * chain's one feed.
 */
import type { Env } from "../../../../shared/config/env";
import type { Connection } from "../../../../shared/stream/connection";
import { parseShardName } from "../../../../shared/stream/placement";
import type { AttachReturnType, ChainFeedApi } from "../../../../shared/stream/protocol";

/** The feed that delivers to `shard`. */
export function feedOf(
  env: Pick<Env, "FEED">,
  chain: string,
  shard: string,
): DurableObjectStub<ChainFeedApi> {
  const region = parseShardName(shard)?.region;
  if (!region) return env.FEED.getByName(chain);
  return env.FEED.getByName(`${chain}/${region}`, { locationHint: region });
}

export class FeedLink {
  /** Calls to the feed, chained so that each starts once the one before has ended. */
  private calls: Promise<unknown> = Promise.resolve();
  private attached: boolean;

  /** `attached`: whether the shard woke with subscriptions, so the feed still delivers to it. */
  constructor(
    private readonly env: Env,
    attached: boolean,
  ) {
    this.attached = attached;
  }

  /** Asks the feed to deliver to this connection's shard; with `resumeAfter`, what it missed. */
  attach(conn: Connection, pending: boolean, resumeAfter: number | undefined): Promise<AttachReturnType> {
    const { chain, shard } = conn;
    const call = this.calls.then(
      async (): Promise<AttachReturnType> =>
        feedOf(this.env, chain, shard).attach({ chain, shard, pending, resumeAfter }),
    );
    this.calls = call.catch(() => undefined);
    this.attached = true;
    return call;
  }

  /** Tells the feed the shard has no subscriptions left, when `idle` and attached. */
  async detachIfIdle(conn: Connection, idle: boolean): Promise<void> {
    if (!idle || !this.attached) return;
    this.attached = false;
    const call = this.calls.then(() => feedOf(this.env, conn.chain, conn.shard).detach(conn.shard));
    this.calls = call.catch(() => undefined);
    await call;
  }
}
