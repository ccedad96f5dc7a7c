/**
 * @module
 * One isolate's view of a chain's upstreams (shared/routing/healthReport.ts's ChainHealthReport), as
 * GET /v1/:chain/health and the admin API answer it.
 */
import { z } from "zod";

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
