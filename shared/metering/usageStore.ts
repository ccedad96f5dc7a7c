/**
 * @module
 * Usage rows in D1: the tenant's object writes running totals per day, and the usage endpoints read
 * them. A write sets each row to the larger of what D1 has and what is sent, so a flush that is
 * retried, repeated or overtaken changes nothing.
 */
import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { dbOf } from "../../db/client";
import { usageDaily } from "../../db/schema";
import type { UsageRow } from "./usage";

/** D1 binds at most 100 parameters per statement; a row takes 9. */
const ROWS_PER_STATEMENT = 11;

export async function writeUsage(d1: D1Database, tenantId: string, rows: UsageRow[], now: number) {
  if (rows.length === 0) return;
  const db = dbOf(d1);
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows.slice(i, i + ROWS_PER_STATEMENT).map((row) => ({ ...row, tenantId, updatedAt: now }));
    statements.push(
      db
        .insert(usageDaily)
        .values(values)
        .onConflictDoUpdate({
          target: [
            usageDaily.day,
            usageDaily.tenantId,
            usageDaily.keyId,
            usageDaily.chain,
            usageDaily.family,
          ],
          set: {
            requests: sql`max(${usageDaily.requests}, excluded.requests)`,
            cu: sql`max(${usageDaily.cu}, excluded.cu)`,
            errors: sql`max(${usageDaily.errors}, excluded.errors)`,
            updatedAt: sql`excluded.updated_at`,
          },
        }),
    );
  }
  await db.batch(statements as [(typeof statements)[0], ...typeof statements]);
}

export interface UsageQuery {
  tenantId: string;
  /** YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  keyId?: string | undefined;
}

export interface UsageReport {
  tenantId: string;
  from: string;
  to: string;
  totals: { requests: number; cu: number; errors: number };
  rows: UsageRow[];
}

export async function readUsage(d1: D1Database, query: UsageQuery): Promise<UsageReport> {
  const rows = await dbOf(d1)
    .select({
      day: usageDaily.day,
      keyId: usageDaily.keyId,
      chain: usageDaily.chain,
      family: usageDaily.family,
      requests: usageDaily.requests,
      cu: usageDaily.cu,
      errors: usageDaily.errors,
    })
    .from(usageDaily)
    .where(
      and(
        eq(usageDaily.tenantId, query.tenantId),
        gte(usageDaily.day, query.from),
        lte(usageDaily.day, query.to),
        query.keyId === undefined ? undefined : eq(usageDaily.keyId, query.keyId),
      ),
    )
    .orderBy(asc(usageDaily.day), asc(usageDaily.keyId), asc(usageDaily.chain), asc(usageDaily.family));
  const totals = { requests: 0, cu: 0, errors: 0 };
  for (const row of rows) {
    totals.requests += row.requests;
    totals.cu += row.cu;
    totals.errors += row.errors;
  }
  return { tenantId: query.tenantId, from: query.from, to: query.to, totals, rows: rows as UsageRow[] };
}
