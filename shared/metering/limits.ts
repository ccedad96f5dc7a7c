/**
 * @module
 * A key's limits as the gateway applies them: the buckets a grant must come out of, the
 * `x-ratelimit-*` headers every metered response carries, and the error a refused request gets.
 * Pure.
 */
import type { GatewayError } from "../errors/base";
import { LimitExceededError, QuotaExceededError } from "../errors/kinds";
import type { Lease, LimitKind } from "./lease";
import { type BucketLimits, refill } from "./tokenBucket";

/** A key's plan limits and its own cap, as resolved with the key. */
export interface KeyLimits {
  cuPerSecond: number;
  burstCu: number;
  monthlyCu: number;
  /** The key's own CU per second, when capped below the plan. */
  keyCuPerSecond: number | null;
  /** What to do when the limiter cannot be reached and the lease is spent. */
  onMeterDown: "closed" | "open";
  /**
   * The request's JWT cap (its cuPerSecond claim), spent from a bucket of its own, `id` within the
   * key (one per JWT subject), besides the key's and the tenant's.
   */
  tokenCap?: { id: string; cuPerSecond: number };
}

/**
 * Whether two reads of a key's limits say the same: a socket keeps its connection, and its queue its
 * place, when the key's 30 s check reads equal limits in a new object.
 */
export function sameLimits(a: KeyLimits, b: KeyLimits): boolean {
  return (
    a.cuPerSecond === b.cuPerSecond &&
    a.burstCu === b.burstCu &&
    a.monthlyCu === b.monthlyCu &&
    a.keyCuPerSecond === b.keyCuPerSecond &&
    a.onMeterDown === b.onMeterDown &&
    a.tokenCap?.id === b.tokenCap?.id &&
    a.tokenCap?.cuPerSecond === b.tokenCap?.cuPerSecond
  );
}

/** The tenant's bucket. */
export function tenantLimits(limits: KeyLimits): BucketLimits {
  return { ratePerSecond: limits.cuPerSecond, burst: limits.burstCu };
}

/** The key's own bucket, when its cap is below the plan's rate: one second of the cap, at most the plan's burst. */
export function keyCapLimits(limits: KeyLimits): BucketLimits | undefined {
  const cap = limits.keyCuPerSecond;
  if (cap === null || cap >= limits.cuPerSecond) return undefined;
  return { ratePerSecond: cap, burst: Math.min(cap, limits.burstCu) };
}

/** The JWT's bucket, when the request's token carries a cap: one second of it, at most the plan's burst. */
export function tokenCapLimits(limits: KeyLimits): BucketLimits | undefined {
  const cap = limits.tokenCap?.cuPerSecond;
  return cap === undefined ? undefined : { ratePerSecond: cap, burst: Math.min(cap, limits.burstCu) };
}

/** The limits that bind this key: the slowest of its JWT's cap, its own cap and the tenant's. */
export function bindingLimits(limits: KeyLimits): BucketLimits {
  const key = keyCapLimits(limits) ?? tenantLimits(limits);
  const token = tokenCapLimits(limits);
  return token && token.ratePerSecond < key.ratePerSecond ? token : key;
}

/**
 * `x-ratelimit-limit`: CU per second; `-remaining`: CU this location estimates could be spent now
 * (its lease plus the bucket as the object last reported it, refilled since); `-reset`: seconds until
 * the bucket is full again, or until the refusal ends.
 */
export function rateLimitHeaders(limits: KeyLimits, lease: Lease, now: number): Record<string, string> {
  const binding = bindingLimits(limits);
  if (now < lease.refusedUntil) {
    return headers(binding.ratePerSecond, 0, secondsUntil(lease.refusedUntil, now));
  }
  const seen = lease.bucketSeen ? refill(lease.bucketSeen, binding, now).tokens : binding.burst;
  const bucket = Math.min(binding.burst, seen);
  const reset = Math.ceil((binding.burst - bucket) / binding.ratePerSecond);
  return headers(binding.ratePerSecond, Math.floor(lease.remaining + bucket), reset);
}

function headers(limit: number, remaining: number, reset: number): Record<string, string> {
  return {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, remaining)),
    "x-ratelimit-reset": String(Math.max(0, reset)),
  };
}

/** Whole seconds from `now` until `at`, rounded up: what `Retry-After` says. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

/** Who set each rate limit, and the rate. */
const RATES: Record<Exclude<LimitKind, "quota">, (limits: KeyLimits) => [string, number]> = {
  rate: (limits) => ["this plan allows", limits.cuPerSecond],
  key_rate: (limits) => ["this key is capped at", limits.keyCuPerSecond as number],
  token_rate: (limits) => ["this JWT's cuPerSecond claim caps it at", limits.tokenCap?.cuPerSecond as number],
};

/** The error for a request refused by `by`, saying which limit and when to come back. */
export function limitError(by: LimitKind, limits: KeyLimits, retryAt: number, now: number): GatewayError {
  const retryAfter = secondsUntil(retryAt, now);
  if (by === "quota") {
    const renews = new Date(retryAt).toISOString();
    return new QuotaExceededError(
      `monthly quota exhausted: this plan allows ${limits.monthlyCu} CU per month, and it renews at ${renews}`,
      { data: { limit: "monthly_quota", monthlyCu: limits.monthlyCu, renewsAt: renews, retryAfter } },
    );
  }
  const [whose, rate] = RATES[by as Exclude<LimitKind, "quota">](limits);
  return new LimitExceededError(
    `rate limit exceeded: ${whose} ${rate} CU per second; retry in ${retryAfter} s`,
    { data: { limit: by, cuPerSecond: rate, retryAfter } },
  );
}
