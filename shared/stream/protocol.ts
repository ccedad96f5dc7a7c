/**
 * @module
 * What the stream's Durable Objects (workers/stream) answer over native RPC: the chain's feed and
 * the fan-out shards, as interfaces, so callers never import the classes.
 */
import type { FeedEvent } from "./events";

export interface AttachParameters {
  chain: string;
  shard: string;
  /** Whether the shard has newPendingTransactions subscribers. */
  pending: boolean;
  /** Return every buffered event after this sequence number. */
  resumeAfter?: number | undefined;
}

export interface AttachReturnType {
  /** False when `resumeAfter` is outside the buffer: before `oldest - 1` or after `latest`. */
  ok: boolean;
  replay: FeedEvent[];
  oldest: number;
  latest: number;
}

/** One per chain: follows the head and publishes each block once, in order, to the shards. */
export interface ChainFeedApi extends Rpc.DurableObjectBranded {
  /** A shard has subscribers: deliver to it from now on; with `resumeAfter`, the events it missed. */
  attach(p: AttachParameters): Promise<AttachReturnType>;
  /** A shard has no subscribers left. */
  detach(shard: string): void;
  /** A region (location hint) where the chain has had shards; told once by the region's directory. */
  addRegion(region: string): void;
  /** The regions where the chain has had shards: the only directories worth asking for them. */
  regions(): string[];
}

/** Holds client sockets of one chain and delivers the feed's events to their subscriptions. */
export interface FanoutShardApi extends Rpc.DurableObjectBranded {
  fetch(request: Request): Promise<Response>;
  /**
   * Events from the chain's feed, in order; returns the notifications they made, which go out as
   * each tenant's rate admits them.
   */
  deliver(chain: string, events: FeedEvent[]): number;
}

/** One shard of a region and the sockets it holds. */
export interface ShardCount {
  index: number;
  sockets: number;
}

export interface AssignParameters {
  /** The chain and region of the directory: it tells the chain's feed of its region once. */
  chain: string;
  region: string;
  /** Most sockets per shard. */
  cap: number;
  /** A shard that refused the last socket assigned to it, being full, and its count. */
  full?: ShardCount | undefined;
}

/** One per chain and region: which shard of the region a new socket joins. */
export interface ShardDirectoryApi extends Rpc.DurableObjectBranded {
  /** The lowest shard below `cap`, counting the socket assigned now until its shard reports (or 30 s). */
  assign(p: AssignParameters): number;
  /** A shard's count of open sockets, as the shard sees it. */
  report(count: ShardCount): void;
  /** The shards holding sockets, lowest first. */
  shards(): ShardCount[];
}
