/**
 * /admin/v1/metrics/:chain: a chain's request metrics for the console, from its metrics object:
 * points of `step` over [from, to) (the last hour by minute by default), totals, and totals by
 * upstream, method family, status class, cache status and tenant; `tenant` narrows to one tenant.
 * /admin/v1/metrics/:chain/stream: the chain's WebSocket fan-out shards holding sockets now, by region.
 */

import { eq } from "drizzle-orm";
import { z } from "zod";
import { dbOf } from "../../../../db/client";
import { chains } from "../../../../db/schema";
import type { Env } from "../../../../shared/config/env";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { regionShards } from "../../../../shared/stream/regionShards";
import { param } from "../openapi/op";
import { adminRouter, op } from "./router";
import { ChainMetrics, STREAM_SHARDS_EXAMPLE, StreamShards } from "./views/metrics";

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

const chainMetrics = op(
  {
    summary: "Read a chain's request metrics",
    description:
      "Points of `step` over [from, to) (the last hour by minute by default), totals, and totals by upstream, method family, status class, cache status and tenant; `tenant` narrows to one tenant.",
    tag: "Metrics",
    access: "admin:read",
    query: MetricsQuery,
    responses: { 200: { description: "The chain's series and totals", schema: ChainMetrics } },
  },
  async (c, { query: q }) => {
    const slug = param(c, "chain");
    // Only a chain that exists has a metrics object: any other name would create one.
    const known = await dbOf(c.env.DB)
      .select({ slug: chains.slug })
      .from(chains)
      .where(eq(chains.slug, slug))
      .get();
    if (!known) throw new NotFoundError(`no chain ${slug}`);
    const to = q.to ?? Date.now();
    const from = q.from ?? to - 3_600_000;
    const stepMs = q.step ?? 60_000;
    const series = await c.env.METRICS.getByName(slug).series({
      from,
      to,
      stepMs,
      ...(q.tenant !== undefined && { tenant: q.tenant }),
    });
    return c.json({ chain: slug, from, to, stepMs, ...series });
  },
);

/** Only a chain that exists has a metrics object, a feed and directories: any other name would create them. */
async function knownChain(env: Env, slug: string): Promise<void> {
  const known = await dbOf(env.DB)
    .select({ slug: chains.slug })
    .from(chains)
    .where(eq(chains.slug, slug))
    .get();
  if (!known) throw new NotFoundError(`no chain ${slug}`);
}

const streamShards = op(
  {
    summary: "Read a chain's WebSocket shards",
    description:
      "The fan-out shards of the chain holding client sockets now, by region (a Durable Object location hint) and place in the region, with their open sockets as each region's directory counts them (what its shards last reported, plus sockets assigned in the last 30 s that no report has confirmed yet). Asks only the directories of regions where the chain has had shards, as the chain's feed records them.",
    tag: "Metrics",
    access: "admin:read",
    responses: {
      200: {
        description: "The shards holding sockets",
        schema: StreamShards,
        example: STREAM_SHARDS_EXAMPLE,
      },
    },
  },
  async (c) => {
    const slug = param(c, "chain");
    await knownChain(c.env, slug);
    return c.json({ chain: slug, shards: await regionShards(c.env, slug) });
  },
);

export const metricsRoutes = adminRouter().get("/:chain", chainMetrics).get("/:chain/stream", streamShards);
