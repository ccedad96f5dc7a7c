/**
 * @module
 * Budget leases. An isolate takes a slice of a tenant's compute units from the tenant's Durable
 * Object, spends it locally, and asks for the next slice before it runs out, so a request rarely
 * waits on the object. Pure rules for both sides: `spend` runs in the isolate, `grant` in the
 * object.
 *
 * The object grants only CU it takes out of the tenant's bucket and month at that moment, so
 * leasing never admits more than the limits allow: the worst-case over-admission is 0 CU. (One
 * exception, by design: a single call costing more than the burst is admitted from a full bucket and
 * leaves it in debt, so that no call is impossible on a plan.) Unspent
 * CU goes back with the isolate's next request for a lease; the slice held by an isolate that goes
 * away is lost, so the worst-case under-admission is one lease (a tenth of a second's allowance)
 * per isolate that disappears holding one.
 *
 * The second exception: a new isolate does not wait for its first lease. It admits a tenant's first
 * calls on an opening credit (`openingCredit`; bounds in openingCredit.ts) and asks for the lease in
 * the background; the CU spent on credit go with that request as `owed`, and `grant` takes them out
 * of the buckets and the month before it decides, whatever it decides, so over time the tenant's
 * limits hold. A tenant already over its limit is admitted at most one credit past it per isolate
 * that meets it cold, and the debt delays its next grants.
 */
import { type Bucket, type BucketLimits, readyAt, refill } from "./tokenBucket";

/** A lease is this many seconds of the tenant's rate. */
export const LEASE_SECONDS = 0.1;
/** The isolate asks for the next lease, in the background, once this share of the last is spent. */
export const RENEW_WHEN_SPENT = 0.5;

/**
 * Which limit refused: the tenant's rate, the key's own lower rate cap, the cap of the request's JWT
 * (its cuPerSecond claim), or the monthly quota.
 */
export type LimitKind = "rate" | "key_rate" | "token_rate" | "quota";

/** The isolate's side of a lease for one tenant. */
export interface Lease {
  /** CU this isolate may still spend without asking. */
  remaining: number;
  /** Size of the last grant. */
  size: number;
  /** The object refused: every request is refused locally until then (ms). */
  refusedUntil: number;
  refusedBy: LimitKind | undefined;
  /** The binding bucket as the object last reported it, for the rate-limit headers. */
  bucketSeen: Bucket | undefined;
}

export const NO_LEASE: Lease = {
  remaining: 0,
  size: 0,
  refusedUntil: 0,
  refusedBy: undefined,
  bucketSeen: undefined,
};

export type SpendReturnType =
  /** Admitted from the lease; when `renew`, ask for the next lease in the background. */
  | { readonly kind: "spent"; readonly lease: Lease; readonly renew: boolean }
  /** The lease does not cover the cost: wait for a new one. */
  | { readonly kind: "lease_needed" }
  | { readonly kind: "refused"; readonly retryAt: number; readonly by: LimitKind };

/**
 * Spends from the lease while it covers the cost: CU already granted are spent even after a refusal
 * (a request running alongside may have been refused). When it does not cover the cost, a refusal
 * in force refuses locally; otherwise a new lease is needed.
 */
export function spend(lease: Lease, cost: number, now: number): SpendReturnType {
  if (lease.remaining < cost) {
    if (now < lease.refusedUntil) {
      return { kind: "refused", retryAt: lease.refusedUntil, by: lease.refusedBy ?? "rate" };
    }
    return { kind: "lease_needed" };
  }
  const remaining = lease.remaining - cost;
  return {
    kind: "spent",
    lease: { ...lease, remaining },
    renew: lease.size - remaining >= lease.size * RENEW_WHEN_SPENT,
  };
}

/**
 * How much to ask for: a slice of a second's allowance, and never less than the call at hand.
 * With `seconds` 0 every request asks for exactly its cost: one call to the object per request.
 */
export function leaseWant(limits: BucketLimits, cost: number, seconds = LEASE_SECONDS): number {
  return Math.max(cost, Math.ceil(limits.ratePerSecond * seconds));
}

/** The most CU a new isolate admits per tenant on credit, before the tenant's object has answered. */
export const OPENING_CREDIT_MAX_CU = 1_000;

/**
 * A new isolate's credit for a key: one lease of the binding rate, no more than the burst or
 * OPENING_CREDIT_MAX_CU. None with `seconds` 0 (every request asks the object).
 */
export function openingCredit(limits: BucketLimits, seconds = LEASE_SECONDS): number {
  if (seconds <= 0) return 0;
  return Math.min(Math.ceil(limits.ratePerSecond * seconds), limits.burst, OPENING_CREDIT_MAX_CU);
}

/** A bucket with the limits it fills by. */
export interface Limited {
  bucket: Bucket;
  limits: BucketLimits;
}

/** A bucket besides the tenant's that a grant must also come out of, and the limit it is. */
export interface Cap extends Limited {
  by: LimitKind;
}

export interface GrantParameters extends Limited {
  /** The key's own bucket (capped below the tenant's rate), a JWT's: every one must cover a grant. */
  caps?: readonly Cap[];
  /** CU granted this month so far, and the month's quota. */
  monthUsed: number;
  monthlyQuota: number;
  /** When the quota starts over (ms). */
  monthEnds: number;
  /** CU asked for, and the least that is any use (the cost of the call waiting for it). */
  want: number;
  need: number;
  /** Unspent CU of the isolate's previous lease, given back. */
  returned: number;
  /**
   * CU the isolate admitted on its opening credit: taken out of the buckets and the month before
   * anything is decided, whatever the answer, even into debt or past the quota (they were served).
   */
  owed?: number;
  now: number;
}

export type GrantReturnType = {
  readonly bucket: Bucket;
  /** Each of `caps`' buckets after the grant, in their order. */
  readonly capBuckets?: Bucket[];
  readonly monthUsed: number;
} & (
  | { readonly granted: number }
  | { readonly granted: 0; readonly retryAt: number; readonly by: LimitKind }
);

/**
 * The object's side: charge what the isolate owes, then grant what the buckets and the month allow,
 * or say when to come back.
 */
export function grant(p: GrantParameters): GrantReturnType {
  const returned = Math.max(0, Math.min(p.returned, p.monthUsed));
  const owed = Math.max(0, p.owed ?? 0);
  const charge = (b: Bucket) => ({ tokens: b.tokens - owed, at: b.at });
  const bucket = charge(credit(p, returned, p.now));
  const caps = p.caps ?? [];
  const capBuckets = caps.map((cap) => charge(credit(cap, returned, p.now)));
  const monthUsed = p.monthUsed - returned + owed;
  const state = { bucket, monthUsed, ...(caps.length > 0 && { capBuckets }) };
  const quotaLeft = Math.max(0, p.monthlyQuota - state.monthUsed);
  if (quotaLeft < p.need) return { ...state, granted: 0, retryAt: p.monthEnds, by: "quota" };
  const short = shortOf(bucket, p.limits, p.need);
  if (short !== undefined) return { ...state, granted: 0, retryAt: short, by: "rate" };
  for (const [i, cap] of caps.entries()) {
    const capShort = shortOf(capBuckets[i] as Bucket, cap.limits, p.need);
    if (capShort !== undefined) return { ...state, granted: 0, retryAt: capShort, by: cap.by };
  }
  const available = Math.min(bucket.tokens, ...capBuckets.map((b) => b.tokens));
  const granted = Math.max(p.need, Math.min(p.want, Math.floor(available), quotaLeft));
  const take = (b: Bucket) => ({ tokens: b.tokens - granted, at: b.at });
  return {
    bucket: take(bucket),
    ...(caps.length > 0 && { capBuckets: capBuckets.map(take) }),
    monthUsed: state.monthUsed + granted,
    granted,
  };
}

/**
 * When the bucket will cover `need`, or undefined when it does now. A need above the burst is covered
 * by a full bucket, which it leaves in debt: such a call is never refused for good.
 */
function shortOf(bucket: Bucket, limits: BucketLimits, need: number): number | undefined {
  const covered = Math.min(need, limits.burst);
  return bucket.tokens >= covered ? undefined : readyAt(bucket, limits, covered);
}

/** The bucket refilled to `now`, with CU given back added (never above burst). */
function credit({ bucket, limits }: Limited, returned: number, now: number): Bucket {
  const refilled = refill(bucket, limits, now);
  return { tokens: Math.min(limits.burst, refilled.tokens + returned), at: refilled.at };
}

/** The first moment (ms, UTC) of the month after the one `now` falls in: when quotas start over. */
export function monthEnds(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}
