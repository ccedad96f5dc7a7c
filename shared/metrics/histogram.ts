/**
 * @module
 * Latency histograms that merge by adding: counts in logarithmic buckets, four per doubling from
 * 0.25 ms (each bucket's upper bound is 19% above its lower), the last one holding everything above
 * about 65 s. A percentile is the upper bound of the bucket that holds its rank: at most 19% above
 * the true value, never below it. Sparse, keyed by bucket index, so that it travels as JSON. Pure.
 */

/** Bucket index -> calls. */
export type Histogram = Record<string, number>;

const FIRST_MS = 0.25;
const PER_DOUBLING = 4;
/** 18 doublings above 0.25 ms: 65.5 s. */
export const LAST_BUCKET = 18 * PER_DOUBLING;

/** The bucket a latency falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > FIRST_MS)) return 0;
  return Math.min(LAST_BUCKET, Math.ceil(Math.log2(ms / FIRST_MS) * PER_DOUBLING - 1e-9));
}

/** The upper bound of a bucket, in ms (the last bucket's is its lower bound: everything above it). */
export function upperBoundOf(bucket: number): number {
  return FIRST_MS * 2 ** (bucket / PER_DOUBLING);
}

/** Adds `count` calls of `ms` to `h` (in place). */
export function observe(h: Histogram, ms: number, count = 1): void {
  const bucket = bucketOf(ms);
  h[bucket] = (h[bucket] ?? 0) + count;
}

/** `into` plus `from` (in place); returns `into`. */
export function mergeInto(into: Histogram, from: Histogram): Histogram {
  for (const [bucket, count] of Object.entries(from)) into[bucket] = (into[bucket] ?? 0) + count;
  return into;
}

export function countOf(h: Histogram): number {
  let total = 0;
  for (const count of Object.values(h)) total += count;
  return total;
}

/**
 * The latency below which a share `q` (0-1) of the calls fall: the upper bound of the bucket that
 * holds the call of rank ceil(q * n), rounded to 0.01 ms; null for an empty histogram.
 */
export function percentile(h: Histogram, q: number): number | null {
  const total = countOf(h);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  const buckets = Object.keys(h)
    .map(Number)
    .sort((a, b) => a - b);
  let seen = 0;
  for (const bucket of buckets) {
    seen += h[bucket] ?? 0;
    if (seen >= rank) return Math.round(upperBoundOf(bucket) * 100) / 100;
  }
  return Math.round(upperBoundOf(buckets[buckets.length - 1] as number) * 100) / 100;
}
