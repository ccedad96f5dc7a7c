/**
 * @module
 * Share of failed calls over a sliding time window, kept in one-second buckets so that memory stays
 * fixed however busy the upstream is. Each failure is recorded with whose call it was, and the rate
 * a caller sees follows the rule in ./confirmation.ts: failures of one tenant alone count for that
 * tenant only. Pure: time comes in as `now` (ms).
 */

import { type Caller, isConfirmed, Witnesses } from "./confirmation";

const BUCKET_MS = 1_000;

export class ErrorWindow {
  readonly #buckets: { at: number; ok: number; failed: number }[];
  readonly #witnesses: Witnesses;

  constructor(windowMs = 30_000) {
    this.#buckets = Array.from({ length: Math.ceil(windowMs / BUCKET_MS) }, () => ({
      at: -1,
      ok: 0,
      failed: 0,
    }));
    this.#witnesses = new Witnesses(this.#buckets.length * BUCKET_MS);
  }

  /** One call's result; `by` is whose call it was. */
  record(failed: boolean, now: number, by: Caller): void {
    const slot = Math.floor(now / BUCKET_MS);
    const bucket = this.#buckets[slot % this.#buckets.length] as { at: number; ok: number; failed: number };
    if (bucket.at !== slot) Object.assign(bucket, { at: slot, ok: 0, failed: 0 });
    if (failed) {
      bucket.failed++;
      this.#witnesses.record(by, now);
    } else bucket.ok++;
  }

  /** Calls and failures recorded within the window ending at `now`, whoever made them. */
  counts(now: number): { calls: number; failed: number } {
    const newest = Math.floor(now / BUCKET_MS);
    let calls = 0;
    let failed = 0;
    for (const bucket of this.#buckets) {
      if (bucket.at > newest - this.#buckets.length && bucket.at <= newest) {
        calls += bucket.ok + bucket.failed;
        failed += bucket.failed;
      }
    }
    return { calls, failed };
  }

  /**
   * Failed share of the calls in the window as `viewer` sees it, 0 when there were none: every
   * failure once they are confirmed; before that, only the failing tenant sees them.
   */
  rate(now: number, viewer: Caller): number {
    const { calls, failed } = this.counts(now);
    if (calls === 0) return 0;
    const witnessed = this.#witnesses.witnessed(now);
    return isConfirmed(witnessed) || witnessed.sole === viewer ? failed / calls : 0;
  }
}
