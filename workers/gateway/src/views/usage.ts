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

/** A tenant's usage as answered (the drift test holds it to UsageView). */
export const USAGE_EXAMPLE = {
  tenantId: "tnt_9fQ2xL7mNc4pRw1Z",
  from: "2026-12-01",
  to: "2026-12-02",
  totals: { requests: 182_400, cu: 3_611_520, errors: 37 },
  rows: [
    {
      day: "2026-12-01",
      keyId: "key_Vt3mP8qRx2LwN6sA",
      chain: "ethereum",
      family: "read",
      requests: 120_000,
      cu: 2_400_000,
      errors: 21,
    },
    {
      day: "2026-12-02",
      keyId: "key_Vt3mP8qRx2LwN6sA",
      chain: "base",
      family: "call",
      requests: 62_400,
      cu: 1_211_520,
      errors: 16,
    },
  ],
  month: { cu: 3_611_520, monthlyCu: 300_000_000, renewsAt: "2027-01-01T00:00:00.000Z" },
};
