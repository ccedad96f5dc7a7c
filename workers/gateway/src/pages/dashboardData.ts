/**
 * @module
 * What the dashboard shows of one key, read after it was authenticated: its name and prefix, its
 * usage over the last 30 days by day and by method family, its errors by code over 7 days, its
 * limits and the tenant's month against the quota.
 */
import { and, eq } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { apiKeys } from "../../../../db/schema";
import type { Env } from "../../../../shared/config/env";
import type { KeyContext } from "../../../../shared/keys/resolveKey";
import { type KeyErrorsView, keyErrorsView } from "../../../../shared/metering/keyErrorsView";
import type { KeyLimits } from "../../../../shared/metering/limits";
import { sendReportsNow } from "../../../../shared/metering/report";
import { dayOf, type UsageCounts, type UsageRow } from "../../../../shared/metering/usage";
import { type UsageView, usageView } from "../../../../shared/metering/usageView";

const DAYS = 30;
const ERROR_DAYS = 7;
const DAY_MS = 86_400_000;

export interface DayPoint extends UsageCounts {
  /** The day's start, ms (the charts' x). */
  at: number;
  day: string;
}

export interface FamilyRow extends UsageCounts {
  family: string;
}

export interface DashboardData {
  key: { name: string; prefix: string };
  from: string;
  to: string;
  /** Every day of the range, oldest first, zero where nothing was called. */
  days: DayPoint[];
  /** By method family, most called first. */
  families: FamilyRow[];
  totals: UsageCounts;
  errors: KeyErrorsView;
  errorDays: number;
  limits: KeyLimits;
  /** The tenant's month (every key) against the plan's quota. */
  month: UsageView["month"];
}

/** The dashboard of `key`, as of now. */
export async function dashboardData(env: Env, key: KeyContext): Promise<DashboardData> {
  const now = Date.now();
  const from = dayOf(now - (DAYS - 1) * DAY_MS);
  const to = dayOf(now);
  const { tenantId, keyId, limits } = key;
  // This isolate's calls first, so that the usage and the errors below count the same calls.
  await sendReportsNow(env, tenantId);
  const [usage, errors, named] = await Promise.all([
    usageView({ env, tenantId, monthlyCu: limits.monthlyCu, from, to, keyId }),
    keyErrorsView(env, tenantId, keyId, ERROR_DAYS),
    keyName(env.DB, key),
  ]);
  return {
    key: named,
    from,
    to,
    days: byDay(usage.rows, now),
    families: byFamily(usage.rows),
    totals: usage.totals,
    errors,
    errorDays: ERROR_DAYS,
    limits,
    month: usage.month,
  };
}

/** The key's name and the first characters it is shown by; never more of it. */
async function keyName(d1: D1Database, key: KeyContext): Promise<{ name: string; prefix: string }> {
  const [row] = await dbOf(d1)
    .select({ name: apiKeys.name, prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, key.keyId), eq(apiKeys.tenantId, key.tenantId)))
    .limit(1);
  return row ?? { name: "", prefix: "" };
}

const add = (into: UsageCounts, row: UsageCounts) => {
  into.requests += row.requests;
  into.cu += row.cu;
  into.errors += row.errors;
};

/** The last DAYS days ending today, each with its rows summed over chains and families. */
export function byDay(rows: readonly UsageRow[], now: number): DayPoint[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const days = new Map<string, DayPoint>();
  for (let i = DAYS - 1; i >= 0; i--) {
    const at = today - i * DAY_MS;
    const day = dayOf(at);
    days.set(day, { at, day, requests: 0, cu: 0, errors: 0 });
  }
  for (const row of rows) {
    const point = days.get(row.day);
    if (point) add(point, row);
  }
  return [...days.values()];
}

/** The rows summed by method family, most called first. */
export function byFamily(rows: readonly UsageRow[]): FamilyRow[] {
  const families = new Map<string, FamilyRow>();
  for (const row of rows) {
    const family = families.get(row.family) ?? { family: row.family, requests: 0, cu: 0, errors: 0 };
    families.set(row.family, family);
    add(family, row);
  }
  return [...families.values()].sort((a, b) => b.requests - a.requests || a.family.localeCompare(b.family));
}
