/**
 * @module
 * Share of failed calls over a sliding time window, kept in one-second buckets so that memory stays
 * fixed however busy the upstream is. Pure: time comes in as `now` (ms).
 */

const BUCKET_MS = 1_000;

export class ErrorWindow {
  readonly #buckets: { at: number; ok: number; failed: number }[];

  constructor(windowMs = 30_000) {
    this.#buckets = Array.from({ length: Math.ceil(windowMs / BUCKET_MS) }, () => ({
      at: -1,
      ok: 0,
      failed: 0,
    }));
  }

  record(failed: boolean, now: number): void {
    const slot = Math.floor(now / BUCKET_MS);
    const bucket = this.#buckets[slot % this.#buckets.length] as { at: number; ok: number; failed: number };
    if (bucket.at !== slot) Object.assign(bucket, { at: slot, ok: 0, failed: 0 });
    if (failed) bucket.failed++;
    else bucket.ok++;
  }

  /** Calls and failures recorded within the window ending at `now`. */
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

  /** Failed share of the calls in the window, 0 when there were none. */
  rate(now: number): number {
    const { calls, failed } = this.counts(now);
    return calls === 0 ? 0 : failed / calls;
  }
}
