/**
 * @module
 * Admission in the isolate: a request spends its CU from the key's lease, held in memory; the lease
 * is renewed from the tenant's object in the background once half spent, and fetched (awaited)
 * only when it cannot cover a request. After a refusal, requests are refused here, without asking,
 * until the time the object gave or until the key's limits change. When the object cannot be
 * reached, the plan decides: serve ("open") or refuse ("closed", the default) until it answers
 * again. A tenant new to this isolate is served on an opening credit while its first lease is asked
 * for in the background (openingCredit.ts, which states its bounds): a cold isolate's first call
 * does not wait for the object.
 */

import type { Env } from "../config/env";
import type { GatewayError } from "../errors/base";
import { MeterUnavailableError } from "../errors/kinds";
import { within } from "../isolate/within";
import type { KeyContext } from "../keys/resolveKey";
import { type Lease, type LimitKind, leaseWant, NO_LEASE, spend } from "./lease";
import { bindingLimits, type KeyLimits, limitError, rateLimitHeaders, secondsUntil } from "./limits";
import type { AcquireParameters, AcquireReturnType } from "./meterProtocol";
import { type CreditHolder, OpeningCredits } from "./openingCredit";

/** Longest the isolate waits for the object before treating it as unreachable. */
export const ACQUIRE_TIMEOUT_MS = 1_000;
/** After the object failed to answer, the isolate does not ask again for this long. */
const DOWN_MS = 1_000;

interface KeyMeter extends CreditHolder {
  lease: Lease;
  renewing: boolean;
  /** The object did not answer: until then, the plan's fail mode applies without asking. */
  downUntil: number;
  /**
   * The limits object a refusal was given under. Another one (the key read again, every 7.5 s at
   * most; a JWT's claims; a stream's queue asking afresh) ends a local refusal, so a raised quota or
   * rate is asked about instead of refused until month end, and a WebSocket frame is not held back
   * behind the refusal its socket's notifications met.
   */
  refusedUnder: KeyLimits | undefined;
}

/** Keys (and JWT subjects of a key) metered in this isolate. Bound: MAX_METERS, the longest-known goes (and with it its lease); lifetime: the isolate's. */
const meters = new Map<string, KeyMeter>();
const MAX_METERS = 10_000;
/** Each tenant's opening credit in this isolate (bound and lifetime: openingCredit.ts). */
const credits = new OpeningCredits();

/** What admission reads of a key: an isolate passes its KeyContext, a fan-out shard a socket's. */
export type MeteredKey = Pick<KeyContext, "keyId" | "tenantId" | "limits">;

export interface AdmitParameters {
  env: Env;
  key: MeteredKey;
  cost: number;
  /** Seconds of the rate one lease holds; 0 asks the object on every request. */
  leaseSeconds: number;
  waitUntil: (p: Promise<unknown>) => void;
}

export interface Admission {
  /** Rate-limit headers, and Retry-After when refused. */
  headers: Record<string, string>;
  /** Set when the request is refused. */
  error?: GatewayError;
  /** When refused: when to ask again (ms). */
  retryAt?: number;
}

export async function admit(p: AdmitParameters): Promise<Admission> {
  const { key, cost, leaseSeconds } = p;
  // A JWT's cap has a lease of its own: CU granted under one subject's bucket are not another's.
  const meter = meterOf(key.limits.tokenCap ? `${key.keyId}|${key.limits.tokenCap.id}` : key.keyId);
  // Another limits object (the key read again, a stream's queue asking afresh) asks the object again.
  if (meter.lease.refusedUntil > 0 && meter.refusedUnder !== key.limits) {
    meter.lease = { ...meter.lease, refusedUntil: 0 };
  }
  let result = spend(meter.lease, cost, Date.now());
  if (result.kind === "lease_needed" && credits.take(key.tenantId, meter, key.limits, cost, leaseSeconds)) {
    renewInBackground(p, meter);
    return { headers: rateLimitHeaders(key.limits, meter.lease, Date.now()) };
  }
  // A lease that cannot cover the cost is given back, and a new one awaited; requests running
  // alongside may take it first, so this repeats (rarely more than once).
  for (let tries = 0; result.kind === "lease_needed" && tries < 3; tries++) {
    if (Date.now() < meter.downUntil) return meterDown(key, meter);
    const returned = meter.lease.remaining;
    meter.lease = { ...meter.lease, remaining: 0 };
    const want = leaseWant(bindingLimits(key.limits), cost, leaseSeconds);
    // What was given back stays given back: the object may have taken it before the reply was lost.
    const reply = await acquire(p.env, key, meter, { want, need: cost, returned });
    if (!reply) return meterDown(key, meter);
    apply(meter, reply, true);
    meter.refusedUnder = key.limits;
    // CU spent on credit while this request was on its way, beyond what the grant paid.
    if (meter.owed > 0) renewInBackground(p, meter);
    result = spend(meter.lease, cost, Date.now());
  }
  const now = Date.now();
  if (result.kind === "lease_needed") return refuse(key, meter, now + 1_000, "rate", now);
  if (result.kind === "refused") return refuse(key, meter, result.retryAt, result.by, now);
  meter.lease = result.lease;
  if (result.renew && leaseSeconds > 0) renewInBackground(p, meter);
  return { headers: rateLimitHeaders(key.limits, meter.lease, now) };
}

/** Asks for the next lease in the background (one request at a time per meter), paying what is owed. */
function renewInBackground(p: AdmitParameters, meter: KeyMeter): void {
  const renewing = renew(p, meter);
  if (renewing) p.waitUntil(renewing);
}

/** The background request for a lease, unless one is on its way or the object is down. */
function renew(p: AdmitParameters, meter: KeyMeter): Promise<void> | undefined {
  if (meter.renewing || Date.now() < meter.downUntil) return undefined;
  meter.renewing = true;
  const want = leaseWant(bindingLimits(p.key.limits), p.cost, p.leaseSeconds);
  return acquire(p.env, p.key, meter, { want, need: 1, returned: 0 }).then((reply) => {
    meter.renewing = false;
    if (!reply) return;
    apply(meter, reply, false);
    // Credit spent while this renewal was on its way, beyond what its grant paid, is owed still:
    // the credit has ended now, so one more request pays the rest.
    if (meter.owed > 0) return renew(p, meter);
  });
}

function meterOf(id: string): KeyMeter {
  let meter = meters.get(id);
  if (!meter) {
    if (meters.size >= MAX_METERS) meters.delete(meters.keys().next().value as string);
    meter = {
      lease: NO_LEASE,
      renewing: false,
      downUntil: 0,
      refusedUnder: undefined,
      credit: undefined,
      owed: 0,
    };
    meters.set(id, meter);
  }
  return meter;
}

/**
 * Adds a grant to the lease, less what the meter spent on credit since the request left, as far as
 * the grant covers it (those calls were served: the grant, taken out of the buckets and the month,
 * pays for them). A refusal of a request's lease refuses further requests until the time given; a
 * refused renewal does not, as the lease in hand is still good.
 */
function apply(meter: KeyMeter, reply: AcquireReturnType, awaited: boolean) {
  const lease = meter.lease;
  if (reply.retryAt !== undefined) {
    meter.lease = awaited
      ? { ...lease, bucketSeen: reply.bucket, refusedUntil: reply.retryAt, refusedBy: reply.by }
      : { ...lease, bucketSeen: reply.bucket };
    return;
  }
  const settled = Math.min(meter.owed, reply.granted);
  meter.owed -= settled;
  meter.lease = {
    ...lease,
    remaining: lease.remaining + reply.granted - settled,
    size: reply.granted > 0 ? reply.granted : lease.size,
    bucketSeen: reply.bucket,
  };
}

/**
 * Asks the tenant's object for a lease, paying what the meter owes: the object charges it whatever
 * it answers, and what was sent counts as paid even when no answer comes (it may have been charged
 * before the answer was lost). Whatever comes back, answer or none, ends the tenant's opening
 * credit in this isolate; none also sets the meter down for DOWN_MS.
 */
async function acquire(
  env: Env,
  key: MeteredKey,
  meter: KeyMeter,
  ask: Pick<AcquireParameters, "want" | "need" | "returned">,
): Promise<AcquireReturnType | undefined> {
  const owed = meter.owed;
  meter.owed = 0;
  let reply: AcquireReturnType | undefined;
  try {
    const call = env.METER.getByName(key.tenantId).acquire({
      tenantId: key.tenantId,
      keyId: key.keyId,
      limits: key.limits,
      ...ask,
      ...(owed > 0 && { owed }),
    });
    reply = await within(call, ACQUIRE_TIMEOUT_MS, undefined);
  } catch (err) {
    console.warn(
      JSON.stringify({
        event: "meter_unreachable",
        tenantId: key.tenantId,
        error: String(err).slice(0, 200),
      }),
    );
  }
  credits.end(key.tenantId);
  meter.downUntil = reply ? 0 : Date.now() + DOWN_MS;
  return reply;
}

function refuse(key: MeteredKey, meter: KeyMeter, retryAt: number, by: LimitKind, now: number): Admission {
  const headers = rateLimitHeaders(key.limits, { ...meter.lease, refusedUntil: retryAt }, now);
  headers["retry-after"] = String(secondsUntil(retryAt, now));
  return { headers, error: limitError(by, key.limits, retryAt, now), retryAt };
}

function meterDown(key: MeteredKey, meter: KeyMeter): Admission {
  const now = Date.now();
  const headers = rateLimitHeaders(key.limits, meter.lease, now);
  if (key.limits.onMeterDown === "open") return { headers };
  headers["retry-after"] = String(secondsUntil(meter.downUntil, now));
  return {
    headers,
    retryAt: meter.downUntil,
    error: new MeterUnavailableError(
      "rate limiter unavailable: this plan refuses requests while usage cannot be metered; retry shortly",
      { data: { retryAfter: secondsUntil(meter.downUntil, now) } },
    ),
  };
}
