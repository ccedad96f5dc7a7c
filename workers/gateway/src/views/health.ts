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

/** A chain's health as answered: upstreams by opaque id, never their URL or name. */
export const CHAIN_HEALTH_EXAMPLE = {
  chain: "ethereum",
  chainId: 1,
  enabled: true,
  head: 23_912_345,
  maxLagBlocks: 5,
  observedBy: "isolate",
  upstreams: [
    {
      id: "ups_Lq8vN2tXc5Rm0Wb3",
      state: "healthy",
      score: 84.2,
      head: 23_912_345,
      lag: 0,
      latencyMs: { ewma: 61.5, p90: 118 },
      errorRate: 0.002,
      circuit: "closed",
      capabilities: ["archive", "trace"],
    },
  ],
};
