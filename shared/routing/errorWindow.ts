/**
 * @module
 * Share of failed calls over a sliding time window, kept in one-second buckets so that memory stays
 * fixed however busy the upstream is. Each failure is recorded with whose call it was, and the rate
 * a caller sees follows the rule in ./confirmation.ts: the tenant with the most failures weighs, for
 * everyone else, no more than all the others' failures together. Pure: time comes in as `now` (ms).
 */

import { type Caller, GATEWAY, unseenByOthers } from "./confirmation";

const BUCKET_MS = 1_000;
/** Tenants whose failures a bucket counts apart (see tally). */
const SLOTS = 4;

interface Bucket {
  /** The second it counts; -1 while unused. */
  at: number;
  ok: number;
  failed: number;
  /** Of `failed`, the gateway's own calls. */
  gateway: number;
  /** Of `failed`, by tenant, for at most SLOTS tenants. */
  tenants: { id: string; failed: number }[];
}

/** What the window ending at some time holds. */
interface Totals {
  calls: number;
  failed: number;
  gateway: number;
  /** The tenant with the most failures, and how many. */
  top: { id: string | undefined; failed: number };
}

export class ErrorWindow {
  readonly #buckets: Bucket[];

  constructor(windowMs = 30_000) {
    this.#buckets = Array.from({ length: Math.ceil(windowMs / BUCKET_MS) }, () => ({
      at: -1,
      ok: 0,
      failed: 0,
      gateway: 0,
      tenants: [],
    }));
  }

  /** One call's result at `now` (which may be earlier than calls already recorded); `by` is whose call it was. */
  record(failed: boolean, now: number, by: Caller): void {
    const slot = Math.floor(now / BUCKET_MS);
    const bucket = this.#buckets[slot % this.#buckets.length] as Bucket;
    // The slot already counts a second a whole window later: this call is outside every window read.
    if (bucket.at > slot) return;
    if (bucket.at < slot) Object.assign(bucket, { at: slot, ok: 0, failed: 0, gateway: 0, tenants: [] });
    if (!failed) {
      bucket.ok++;
      return;
    }
    bucket.failed++;
    if (by === GATEWAY) bucket.gateway++;
    else tally(bucket.tenants, by);
  }

  /** Calls and failures recorded within the window ending at `now`, whoever made them. */
  counts(now: number): { calls: number; failed: number } {
    const { calls, failed } = this.#totals(now);
    return { calls, failed };
  }

  /**
   * Failed share of the calls in the window as `viewer` sees it, 0 when there were none: the tenant
   * with the most failures sees them all; anyone else sees its failures only up to everyone else's,
   * the ones beyond left out of both the failures and the calls.
   */
  rate(now: number, viewer: Caller): number {
    const { calls, failed, gateway, top } = this.#totals(now);
    const unseen =
      viewer === top.id ? 0 : unseenByOthers({ gateway, tenants: failed - gateway, top: top.failed });
    return calls === unseen ? 0 : (failed - unseen) / (calls - unseen);
  }

  #totals(now: number): Totals {
    const newest = Math.floor(now / BUCKET_MS);
    const totals: Totals = { calls: 0, failed: 0, gateway: 0, top: { id: undefined, failed: 0 } };
    // Ranking reads this for every upstream of every request; most windows hold no tenant's failure.
    let byTenant: Map<string, number> | undefined;
    for (const bucket of this.#buckets) {
      if (bucket.at <= newest - this.#buckets.length || bucket.at > newest) continue;
      totals.calls += bucket.ok + bucket.failed;
      totals.failed += bucket.failed;
      totals.gateway += bucket.gateway;
      for (const { id, failed } of bucket.tenants) {
        byTenant ??= new Map();
        byTenant.set(id, (byTenant.get(id) ?? 0) + failed);
      }
    }
    for (const [id, failed] of byTenant ?? []) if (failed > totals.top.failed) totals.top = { id, failed };
    return totals;
  }
}

/**
 * Counts a tenant's failure in a bucket's slots (the Space-Saving count): a tenant not among them,
 * when all are taken, takes the slot with the fewest failures and counts on from there. So a tenant
 * with more than a 1/SLOTS share of a second's failures always holds a slot and its count misses none
 * of them; only when more than SLOTS tenants fail within one second is it approximate (a count may
 * include others' failures, up to the fewest's).
 */
function tally(slots: Bucket["tenants"], id: string): void {
  const held = slots.find((s) => s.id === id);
  if (held) held.failed++;
  else if (slots.length < SLOTS) slots.push({ id, failed: 1 });
  else {
    const fewest = slots.reduce((a, b) => (b.failed < a.failed ? b : a));
    fewest.id = id;
    fewest.failed++;
  }
}
