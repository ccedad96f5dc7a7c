/**
 * What the admin API answers about a chain's metrics: the series of shared/metrics/metricsProtocol.ts,
 * described by hand.
 */
import { z } from "zod";

const Totals = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  cu: z.number(),
  attempts: z.number().int(),
  p50: z.number().nullable().describe("ms; null without calls"),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

const Split = z.record(z.string(), Totals);

export const ChainMetrics = z.object({
  chain: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  stepMs: z.number().int(),
  points: z.array(Totals.extend({ at: z.number().int().describe("Start of the step, ms") })),
  totals: Totals,
  by: z
    .object({ upstream: Split, family: Split, status: Split, cache: Split, tenant: Split })
    .describe("The totals split by one dimension each"),
  lost: z.number().int().describe("Calls isolates counted but could not deliver, over the span"),
});

/** A chain's WebSocket fan-out shards holding sockets (shared/stream/regionShards.ts). */
export const StreamShards = z.object({
  chain: z.string(),
  shards: z.array(
    z.object({
      region: z.string().describe("The Durable Object location hint of the shard's region"),
      index: z.number().int().describe("Its place in the region: new sockets fill the lowest first"),
      sockets: z
        .number()
        .int()
        .describe(
          "Open sockets as the region's directory counts them: last reported, plus recent assignments not yet reported",
        ),
    }),
  ),
});

export const STREAM_SHARDS_EXAMPLE = {
  chain: "ethereum",
  shards: [
    { region: "enam", index: 0, sockets: 1000 },
    { region: "enam", index: 1, sockets: 412 },
    { region: "weur", index: 0, sockets: 730 },
  ],
};
