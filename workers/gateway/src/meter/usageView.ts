/**
 * @module
 * A tenant's usage as the usage endpoints show it: the tenant's object first writes what it holds
 * to D1, then the daily rows in the range are read, with the month's total against the quota.
 * Calls admitted in the last second or so may still be on their way from the isolates.
 */
import { monthEnds } from "../../../../shared/metering/lease";
import { dayOf } from "../../../../shared/metering/usage";
import type { Env } from "../env";
import { readUsage, type UsageReport } from "./usageStore";

export interface UsageViewParameters {
  env: Env;
  tenantId: string;
  monthlyCu: number;
  from?: string | undefined;
  to?: string | undefined;
  keyId?: string | undefined;
}

export interface UsageView extends UsageReport {
  month: { cu: number; monthlyCu: number; renewsAt: string };
}

export async function usageView({
  env,
  tenantId,
  monthlyCu,
  from,
  to,
  keyId,
}: UsageViewParameters): Promise<UsageView> {
  const now = Date.now();
  const monthStart = `${dayOf(now).slice(0, 8)}01`;
  try {
    await env.METER.getByName(tenantId).flush();
  } catch (err) {
    console.warn(JSON.stringify({ event: "usage_flush_failed", tenantId, error: String(err).slice(0, 200) }));
  }
  const today = dayOf(now);
  const [report, month] = await Promise.all([
    readUsage(env.DB, { tenantId, from: from ?? monthStart, to: to ?? today, keyId }),
    readUsage(env.DB, { tenantId, from: monthStart, to: today }),
  ]);
  return {
    ...report,
    month: { cu: month.totals.cu, monthlyCu, renewsAt: new Date(monthEnds(now)).toISOString() },
  };
}
