/**
 * What the admin API answers about chains: the rows of `chains`, described from the table itself,
 * and the health report of one isolate (shared/routing/healthReport.ts), described by hand.
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { chains } from "../../../../../db/schema";

export const ChainView = createSelectSchema(chains);

export const ChainList = z.object({ chains: z.array(ChainView) });

/** A chain as created: the body with its defaults, before D1 fills in the rest. */
export const CreatedChain = ChainView.omit({ cacheGeneration: true, maxResponseBytes: true }).extend({
  maxResponseBytes: ChainView.shape.maxResponseBytes.optional().describe("Only when the body gave it"),
});

export const CachePurged = z.object({
  chain: z.string(),
  /** Raised by one: every answer cached under the older generation is orphaned. */
  cacheGeneration: z.number().int(),
});

const UpstreamHealth = z.object({
  id: z.string(),
  state: z.enum([
    "healthy",
    "unchecked",
    "unreachable",
    "wrong_chain",
    "circuit_open",
    "half_open",
    "throttled",
    "lagging",
    "degraded",
  ]),
  score: z.number().describe("Estimated milliseconds to a good answer; routing prefers the lowest"),
  head: z.number().int().nullable(),
  lag: z.number().int().nullable(),
  latencyMs: z.object({ ewma: z.number().nullable(), p90: z.number().nullable() }),
  errorRate: z.number(),
  circuit: z.enum(["closed", "open", "half_open"]),
  capabilities: z.array(z.string()),
});

/** shared/routing/healthReport.ts's ChainHealthReport. */
export const ChainHealth = z.object({
  chain: z.string(),
  chainId: z.number().int(),
  enabled: z.boolean(),
  head: z.number().int().nullable(),
  maxLagBlocks: z.number().int(),
  observedBy: z.literal("isolate").describe("Health is measured by each isolate from its own traffic"),
  upstreams: z.array(UpstreamHealth),
});
