/**
 * @module
 * A tenant's usage as GET /v1/usage and the admin API answer it (shared/metering/usageView.ts): the
 * daily rows of `usage_daily` in the range, their totals, and the month so far against the quota.
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { usageDaily } from "../../../../db/schema";

const counts = { requests: z.number().int(), cu: z.number().int(), errors: z.number().int() };

/** A tenant's usage over days (inclusive), by day, key, chain and method family. */
export const UsageView = z.object({
  tenantId: z.string(),
  /** YYYY-MM-DD, UTC. */
  from: z.string(),
  to: z.string(),
  totals: z.object(counts),
  rows: z.array(
    createSelectSchema(usageDaily).pick({
      day: true,
      keyId: true,
      chain: true,
      family: true,
      requests: true,
      cu: true,
      errors: true,
    }),
  ),
  month: z.object({
    /** CU spent this calendar month (UTC) so far. */
    cu: z.number().int(),
    monthlyCu: z.number().int(),
    /** When the month's quota renews, ISO 8601. */
    renewsAt: z.string(),
  }),
});
