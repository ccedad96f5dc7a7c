/**
 * @module
 * A region directory's count of each shard's sockets: what the shard last reported (kept in the
 * directory's storage), plus the sockets assigned to it since, each pending for PENDING_MS. A
 * report confirms or drops every pending assignment of its shard (the count it carries includes the
 * upgrades the shard is accepting); one that never reached its shard (its fetch failed, or the
 * upgrade was refused before it counted) stops counting when it expires, so a shard never looks
 * full for sockets it does not hold. Pure: the time is passed in.
 */
import type { ShardCount } from "./protocol";

/** An assignment no report confirmed stops counting after this long. */
export const PENDING_MS = 30_000;

export class ShardCounts {
  /** Sockets per shard index as the shard last reported them; a shard holding none has no entry. */
  private readonly reported = new Map<number, number>();
  /** Per shard index, the expiry of each assignment not yet confirmed, oldest first. */
  private readonly pending = new Map<number, number[]>();

  constructor(reported: Iterable<ShardCount> = []) {
    for (const { index, sockets } of reported) if (sockets > 0) this.reported.set(index, sockets);
  }

  /** The sockets of shard `index` at `now`: reported, plus assignments pending. */
  count(index: number, now: number): number {
    return (this.reported.get(index) ?? 0) + this.livePending(index, now);
  }

  /** The lowest shard below `cap` at `now`, counting the socket assigned now as pending. */
  assign(cap: number, now: number): number {
    let index = 0;
    while (this.count(index, now) >= cap) index++;
    const list = this.pending.get(index);
    if (list) list.push(now + PENDING_MS);
    else this.pending.set(index, [now + PENDING_MS]);
    return index;
  }

  /** A shard's own count: replaces the reported one and settles its pending assignments. Returns whether the reported count changed. */
  report({ index, sockets }: ShardCount): boolean {
    this.pending.delete(index);
    const before = this.reported.get(index) ?? 0;
    if (sockets > 0) this.reported.set(index, sockets);
    else this.reported.delete(index);
    return before !== Math.max(sockets, 0);
  }

  /** The shards holding or expecting sockets at `now`, lowest first. */
  shards(now: number): ShardCount[] {
    const indexes = new Set([...this.reported.keys(), ...this.pending.keys()]);
    return [...indexes]
      .sort((a, b) => a - b)
      .map((index) => ({ index, sockets: this.count(index, now) }))
      .filter((s) => s.sockets > 0);
  }

  private livePending(index: number, now: number): number {
    const list = this.pending.get(index);
    if (!list) return 0;
    const live = list.findIndex((until) => until > now);
    if (live === -1) {
      this.pending.delete(index);
      return 0;
    }
    if (live > 0) list.splice(0, live);
    return list.length;
  }
}
