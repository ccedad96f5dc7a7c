/**
 * @module
 * A tenant's usage as the usage endpoints show it: the tenant's object first writes what it holds
 * to D1, then the daily rows in the range are read, with the month's total against the quota.
 * Calls admitted in the last second or so may still be on their way from the isolates.
 */

import type { Env } from "../config/env";
import { monthEnds } from "./lease";
import { dayOf } from "./usage";
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
  const today = dayOf(now);
  const monthStart = `${today.slice(0, 8)}01`;
  try {
    await env.METER.getByName(tenantId).flush();
  } catch (err) {
    console.warn(JSON.stringify({ event: "usage_flush_failed", tenantId, error: String(err).slice(0, 200) }));
  }
  const query = { tenantId, from: from ?? monthStart, to: to ?? today, keyId };
  const isMonth = query.from === monthStart && query.to === today && keyId === undefined;
  // The default query is the month so far: one read serves both.
  const [report, month] = await Promise.all([
    readUsage(env.DB, query),
    isMonth ? undefined : readUsage(env.DB, { tenantId, from: monthStart, to: today }),
  ]);
  return {
    ...report,
    month: {
      cu: (month ?? report).totals.cu,
      monthlyCu,
      renewsAt: new Date(monthEnds(now)).toISOString(),
    },
  };
}
