/**
 * @module
 * Admission in the isolate: a request spends its CU from the key's lease, held in memory; the lease
 * is renewed from the tenant's object in the background once half spent, and fetched (awaited)
 * only when it cannot cover a request. After a refusal, requests are refused here, without asking,
 * until the time the object gave. When the object cannot be reached, the plan decides: serve
 * ("open") or refuse ("closed", the default) until it answers again. A key new to this isolate is
 * served on an opening credit while its first lease is asked for in the background (lease.ts,
 * openingCredit): a cold isolate's first call does not wait for the object.
 */

import type { Env } from "../config/env";
import type { GatewayError } from "../errors/base";
import { MeterUnavailableError } from "../errors/kinds";
import { BoundedMap } from "../isolate/boundedMap";
import { within } from "../isolate/within";
import type { KeyContext } from "../keys/resolveKey";
import { type Lease, type LimitKind, leaseWant, NO_LEASE, openingCredit, spend } from "./lease";
import { bindingLimits, type KeyLimits, limitError, rateLimitHeaders, secondsUntil } from "./limits";
import type { AcquireReturnType } from "./meterProtocol";

/** Longest the isolate waits for the object before treating it as unreachable. */
export const ACQUIRE_TIMEOUT_MS = 1_000;
/** After the object failed to answer, the isolate does not ask again for this long. */
const DOWN_MS = 1_000;

interface KeyMeter {
  lease: Lease;
  renewing: boolean;
  /** The object did not answer: until then, the plan's fail mode applies without asking. */
  downUntil: number;
  /**
   * The limits a refusal was given under. Limits read again (a change, or at most every 15 s) end
   * a local refusal, so a raised quota or rate is asked about instead of refused until month end.
   */
  refusedUnder: KeyLimits | undefined;
  /** The object answered a request for this key's lease: the opening credit no longer applies to it. */
  answered: boolean;
  /** CU admitted on credit that no grant has paid for yet: the next request for a lease asks for them too. */
  owed: number;
}

/** Keys (and JWT subjects of a key) metered in this isolate. Bound: MAX_METERS, the longest-known goes (and with it its lease); lifetime: the isolate's. */
const meters = new Map<string, KeyMeter>();
const MAX_METERS = 10_000;
/**
 * Opening credit left per tenant (lease.ts, openingCredit), spent by its keys before the object has
 * answered them. Bound: MAX_METERS tenants, the first-added goes; lifetime: the isolate's.
 */
const credits = new BoundedMap<string, number>(MAX_METERS);

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

export async function admit({
  env,
  key,
  cost,
  leaseSeconds,
  waitUntil,
}: AdmitParameters): Promise<Admission> {
  // A JWT's cap has a lease of its own: CU granted under one subject's bucket are not another's.
  const meter = meterOf(key.limits.tokenCap ? `${key.keyId}|${key.limits.tokenCap.id}` : key.keyId);
  if (meter.lease.refusedUntil > 0 && meter.refusedUnder !== key.limits) {
    meter.lease = { ...meter.lease, refusedUntil: 0 };
  }
  let result = spend(meter.lease, cost, Date.now());
  if (result.kind === "lease_needed" && onCredit(meter, key, cost, leaseSeconds)) {
    renewInBackground({ env, key, cost, leaseSeconds, waitUntil }, meter);
    return { headers: rateLimitHeaders(key.limits, meter.lease, Date.now()) };
  }
  // A lease that cannot cover the cost is given back, and a new one awaited; requests running
  // alongside may take it first, so this repeats (rarely more than once).
  for (let tries = 0; result.kind === "lease_needed" && tries < 3; tries++) {
    if (Date.now() < meter.downUntil) return meterDown(key, meter);
    const returned = meter.lease.remaining;
    meter.lease = { ...meter.lease, remaining: 0 };
    const paying = meter.owed;
    meter.owed = 0;
    const want = leaseWant(bindingLimits(key.limits), cost, leaseSeconds);
    const reply = await acquire(env, key, { want, need: cost + paying, returned });
    if (!reply) {
      // What was given back stays given back: the object may have taken it before the reply was lost.
      meter.owed += paying;
      meter.downUntil = Date.now() + DOWN_MS;
      return meterDown(key, meter);
    }
    apply(meter, reply, true, paying);
    meter.refusedUnder = key.limits;
    result = spend(meter.lease, cost, Date.now());
  }
  const now = Date.now();
  if (result.kind === "lease_needed") return refuse(key, meter, now + 1_000, "rate", now);
  if (result.kind === "refused") return refuse(key, meter, result.retryAt, result.by, now);
  meter.lease = result.lease;
  if (result.renew && leaseSeconds > 0) renewInBackground({ env, key, cost, leaseSeconds, waitUntil }, meter);
  return { headers: rateLimitHeaders(key.limits, meter.lease, now) };
}

/**
 * Admits `cost` on the tenant's opening credit, when the object has not answered for this key yet
 * and the credit (its tenant's in this isolate, and one lease of the key's own rate) covers it; the
 * CU are owed until a grant pays for them.
 */
function onCredit(meter: KeyMeter, key: MeteredKey, cost: number, leaseSeconds: number): boolean {
  if (meter.answered) return false;
  const ofKey = openingCredit(bindingLimits(key.limits), leaseSeconds);
  const left = credits.get(key.tenantId) ?? ofKey;
  if (cost > left || cost > ofKey) return false;
  credits.set(key.tenantId, left - cost);
  meter.owed += cost;
  return true;
}

/** Asks for the next lease in the background (one request at a time), paying what is owed. */
function renewInBackground(p: AdmitParameters, meter: KeyMeter): void {
  if (meter.renewing || Date.now() < meter.downUntil) return;
  meter.renewing = true;
  const paying = meter.owed;
  meter.owed = 0;
  const want = leaseWant(bindingLimits(p.key.limits), p.cost, p.leaseSeconds);
  p.waitUntil(
    acquire(p.env, p.key, { want: Math.max(want, paying), need: Math.max(1, paying), returned: 0 })
      .then((reply) => {
        if (reply) return apply(meter, reply, false, paying);
        meter.owed += paying;
        meter.downUntil = Date.now() + DOWN_MS;
      })
      .finally(() => {
        meter.renewing = false;
      }),
  );
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
      answered: false,
      owed: 0,
    };
    meters.set(id, meter);
  }
  return meter;
}

/**
 * Adds a grant to the lease, less the owed CU it was asked to pay (`paying`) and then any owed since,
 * as far as it covers them. A refusal of a request's lease refuses further requests until the time
 * given; a refused renewal does not, as the lease in hand is still good. Either way `paying` is
 * still owed. Any answer ends the opening credit.
 */
function apply(meter: KeyMeter, reply: AcquireReturnType, awaited: boolean, paying: number) {
  const lease = meter.lease;
  meter.downUntil = 0;
  meter.answered = true;
  if (reply.retryAt !== undefined) {
    meter.owed += paying;
    meter.lease = awaited
      ? { ...lease, bucketSeen: reply.bucket, refusedUntil: reply.retryAt, refusedBy: reply.by }
      : { ...lease, bucketSeen: reply.bucket };
    return;
  }
  let remaining = lease.remaining + reply.granted - paying;
  const settled = Math.min(meter.owed, Math.max(0, remaining));
  remaining -= settled;
  meter.owed -= settled;
  meter.lease = {
    ...lease,
    remaining,
    size: reply.granted > 0 ? reply.granted : lease.size,
    bucketSeen: reply.bucket,
  };
}

async function acquire(
  env: Env,
  key: MeteredKey,
  ask: { want: number; need: number; returned: number },
): Promise<AcquireReturnType | undefined> {
  try {
    const call = env.METER.getByName(key.tenantId).acquire({
      tenantId: key.tenantId,
      keyId: key.keyId,
      limits: key.limits,
      ...ask,
    });
    return await within(call, ACQUIRE_TIMEOUT_MS, undefined);
  } catch (err) {
    console.warn(
      JSON.stringify({
        event: "meter_unreachable",
        tenantId: key.tenantId,
        error: String(err).slice(0, 200),
      }),
    );
    return undefined;
  }
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
