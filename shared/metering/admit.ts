/**
 * @module
 * Admission in the isolate: a request spends its CU from the key's lease, held in memory; the lease
 * is renewed from the tenant's object in the background once half spent, and fetched (awaited)
 * only when it cannot cover a request. After a refusal, requests are refused here, without asking,
 * until the time the object gave. When the object cannot be reached, the plan decides: serve
 * ("open") or refuse ("closed", the default) until it answers again.
 */

import type { Env } from "../config/env";
import type { GatewayError } from "../errors/base";
import { MeterUnavailableError } from "../errors/kinds";
import { within } from "../isolate/within";
import type { KeyContext } from "../keys/resolveKey";
import { type Lease, type LimitKind, leaseWant, NO_LEASE, spend } from "./lease";
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
}

/** Keys (and JWT subjects of a key) metered in this isolate. Bound: MAX_METERS, the longest-known goes (and with it its lease); lifetime: the isolate's. */
const meters = new Map<string, KeyMeter>();
const MAX_METERS = 10_000;

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
  // A lease that cannot cover the cost is given back, and a new one awaited; requests running
  // alongside may take it first, so this repeats (rarely more than once).
  for (let tries = 0; result.kind === "lease_needed" && tries < 3; tries++) {
    if (Date.now() < meter.downUntil) return meterDown(key, meter);
    const returned = meter.lease.remaining;
    meter.lease = { ...meter.lease, remaining: 0 };
    const want = leaseWant(bindingLimits(key.limits), cost, leaseSeconds);
    const reply = await acquire(env, key, { want, need: cost, returned });
    if (!reply) {
      // What was given back stays given back: the object may have taken it before the reply was lost.
      meter.downUntil = Date.now() + DOWN_MS;
      return meterDown(key, meter);
    }
    apply(meter, reply, true);
    meter.refusedUnder = key.limits;
    result = spend(meter.lease, cost, Date.now());
  }
  const now = Date.now();
  if (result.kind === "lease_needed") return refuse(key, meter, now + 1_000, "rate", now);
  if (result.kind === "refused") return refuse(key, meter, result.retryAt, result.by, now);
  meter.lease = result.lease;
  if (result.renew && leaseSeconds > 0 && !meter.renewing && now >= meter.downUntil) {
    meter.renewing = true;
    const want = leaseWant(bindingLimits(key.limits), cost, leaseSeconds);
    waitUntil(
      acquire(env, key, { want, need: 1, returned: 0 })
        .then((reply) => {
          if (reply) apply(meter, reply, false);
          else meter.downUntil = Date.now() + DOWN_MS;
        })
        .finally(() => {
          meter.renewing = false;
        }),
    );
  }
  return { headers: rateLimitHeaders(key.limits, meter.lease, now) };
}

function meterOf(id: string): KeyMeter {
  let meter = meters.get(id);
  if (!meter) {
    if (meters.size >= MAX_METERS) meters.delete(meters.keys().next().value as string);
    meter = { lease: NO_LEASE, renewing: false, downUntil: 0, refusedUnder: undefined };
    meters.set(id, meter);
  }
  return meter;
}

/**
 * Adds a grant to the lease. A refusal of a request's lease refuses further requests until the
 * time given; a refused renewal does not, as the lease in hand is still good.
 */
function apply(meter: KeyMeter, reply: AcquireReturnType, awaited: boolean) {
  const lease = meter.lease;
  meter.downUntil = 0;
  if (reply.retryAt !== undefined && awaited) {
    meter.lease = { ...lease, bucketSeen: reply.bucket, refusedUntil: reply.retryAt, refusedBy: reply.by };
    return;
  }
  meter.lease = {
    ...lease,
    remaining: lease.remaining + reply.granted,
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
