/**
 * @module
 * Token bucket in compute units: it fills at `ratePerSecond` up to `burst`, and a request takes
 * its cost from it. Pure: state in, state out, time comes in as `now` (ms). A clock that goes
 * backwards (another machine's, or a skewed one) never adds tokens and never takes them away.
 */

export interface BucketLimits {
  /** CU added per second. */
  ratePerSecond: number;
  /** Most CU the bucket holds: the largest burst a tenant may send at once. */
  burst: number;
}

export interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

/** A full bucket, as a new tenant starts. */
export function fullBucket(limits: BucketLimits, now: number): Bucket {
  return { tokens: limits.burst, at: now };
}

/** The bucket as of `now`: refilled for the time since it was last updated, never above burst. */
export function refill(bucket: Bucket, limits: BucketLimits, now: number): Bucket {
  if (now <= bucket.at) return bucket;
  const tokens = Math.min(limits.burst, bucket.tokens + ((now - bucket.at) * limits.ratePerSecond) / 1000);
  return { tokens, at: now };
}

export type TakeReturnType =
  | { readonly ok: true; readonly bucket: Bucket }
  | { readonly ok: false; readonly bucket: Bucket; readonly retryAt: number };

/**
 * Takes `cost` CU if the bucket holds them. Otherwise the bucket is unchanged and `retryAt` says
 * when it will (never sooner than `now`); a cost above burst can never be taken and gets
 * `retryAt` Infinity.
 */
export function take(bucket: Bucket, limits: BucketLimits, cost: number, now: number): TakeReturnType {
  const current = refill(bucket, limits, now);
  if (current.tokens >= cost) return { ok: true, bucket: { tokens: current.tokens - cost, at: current.at } };
  return { ok: false, bucket: current, retryAt: readyAt(current, limits, cost) };
}

/** When the bucket will hold `cost` CU, if nothing else takes from it. */
export function readyAt(bucket: Bucket, limits: BucketLimits, cost: number): number {
  if (cost > limits.burst || limits.ratePerSecond <= 0) return Number.POSITIVE_INFINITY;
  if (bucket.tokens >= cost) return bucket.at;
  return bucket.at + Math.ceil(((cost - bucket.tokens) * 1000) / limits.ratePerSecond);
}
