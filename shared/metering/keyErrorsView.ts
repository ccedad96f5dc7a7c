/**
 * @module
 * One API key's recent errors by JSON-RPC code, as the tenant's dashboard shows them. The counts live
 * in the tenant's meter object (8 days), which the isolates report to about once a second: this
 * isolate's pending report is sent first, so its own calls show at once; calls answered by other
 * isolates show within about a second (REPORT_DELAY_MS in shared/metering/report.ts).
 */
import type { Env } from "../config/env";
import { sendReportsNow } from "./report";
import { dayOf } from "./usage";

export interface KeyErrorsView {
  /** YYYY-MM-DD, UTC, inclusive. */
  from: string;
  to: string;
  /** The calls answered with an error in the range (over the codes in byCode). */
  total: number;
  /** Most first, then by code; at most 50 codes. */
  byCode: { code: number; count: number; lastAt: number /* ms */ }[];
}

const DAY_MS = 86_400_000;
/** The days the meter keeps (workers/gateway/src/meter/keyErrorStore.ts KEEP_DAYS). */
const MAX_DAYS = 8;

/**
 * The errors of `keyId` (a key of `tenantId`: the caller checks that) over the last `days` UTC days,
 * today included (1 to 8). Another tenant's keys are in another object, so they never show here.
 */
export async function keyErrorsView(
  env: Env,
  tenantId: string,
  keyId: string,
  days = 7,
): Promise<KeyErrorsView> {
  const span = Number.isFinite(days) ? Math.min(MAX_DAYS, Math.max(1, Math.floor(days))) : 7;
  await sendReportsNow(env, tenantId);
  const now = Date.now();
  const from = dayOf(now - (span - 1) * DAY_MS);
  const byCode = await env.METER.getByName(tenantId).keyErrors(keyId, from);
  let total = 0;
  for (const row of byCode) total += row.count;
  return { from, to: dayOf(now), total, byCode };
}
