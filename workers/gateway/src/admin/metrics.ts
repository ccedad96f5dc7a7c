/**
 * /admin/v1/metrics/:chain: a chain's request metrics for the console, from its metrics object:
 * points of `step` over [from, to) (the last hour by minute by default), totals, and totals by
 * upstream, method family, status class, cache status and tenant; `tenant` narrows to one tenant.
 */

import { eq } from "drizzle-orm";
import { z } from "zod";
import { dbOf } from "../../../../db/client";
import { chains } from "../../../../db/schema";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { adminRouter } from "./router";
import { validQuery } from "./validate";

/** Query of a chain's metrics: a span in ms since the epoch (the last hour by default), a step of whole minutes. */
const MetricsQuery = z
  .strictObject({
    from: z.coerce.number().int().nonnegative().optional(),
    to: z.coerce.number().int().nonnegative().optional(),
    step: z.coerce
      .number()
      .int()
      .min(60_000)
      .max(86_400_000)
      .refine((n) => n % 60_000 === 0, "a whole number of minutes, in ms")
      .optional(),
    tenant: z.string().min(1).max(100).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, "from must be before to")
  .refine(
    (q) => q.from === undefined || ((q.to ?? Date.now()) - q.from) / (q.step ?? 60_000) <= 10_000,
    "at most 10,000 points: widen step",
  );

export const metricsRoutes = adminRouter().get("/:chain", async (c) => {
  const q = validQuery(c, MetricsQuery);
  // Only a chain that exists has a metrics object: any other name would create one.
  const known = await dbOf(c.env.DB)
    .select({ slug: chains.slug })
    .from(chains)
    .where(eq(chains.slug, c.req.param("chain")))
    .get();
  if (!known) throw new NotFoundError(`no chain ${c.req.param("chain")}`);
  const to = q.to ?? Date.now();
  const from = q.from ?? to - 3_600_000;
  const stepMs = q.step ?? 60_000;
  const series = await c.env.METRICS.getByName(c.req.param("chain")).series({
    from,
    to,
    stepMs,
    ...(q.tenant !== undefined && { tenant: q.tenant }),
  });
  return c.json({ chain: c.req.param("chain"), from, to, stepMs, ...series });
});
