/**
 * @module
 * What the public status endpoints answer: GET /status.json (../status/statusReport.ts's
 * StatusReport, described by hand field for field) and GET /healthz.
 */
import { z } from "zod";

const Point = z.object({
  at: z.number().int().describe("Start of the step, ms since the epoch"),
  requests: z.number().int(),
  errors: z.number().int().describe("Service errors (5xx)"),
  errorRate: z.number().describe("errors / requests; 0 without calls"),
  p50: z.number().nullable().describe("Latency, ms; null without calls"),
  p99: z.number().nullable(),
});

/** A window's totals and points. */
const Window = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  errorRate: z.number(),
  p50: z.number().nullable(),
  p99: z.number().nullable(),
  lost: z.number().int().describe("Calls counted but not delivered to the metrics"),
  points: z.array(Point),
});

const Incident = z.object({
  kind: z.enum(["chain_down", "upstream_down", "upstream_disabled", "circuit_open"]),
  upstream: z
    .string()
    .optional()
    .describe('The upstream\'s public name, or "an upstream"; absent for the chain'),
  from: z.string().describe("ISO 8601"),
  to: z.string().nullable().describe("ISO 8601; null while it lasts"),
  detail: z.string(),
});

const ChainStatus = z.object({
  chain: z.string(),
  name: z.string(),
  chainId: z.number().int().nullable(),
  state: z.enum(["operational", "degraded", "down", "unknown"]),
  reason: z.string().describe("The part of the rule that set the state"),
  head: z.number().int().nullable(),
  headAgeSeconds: z.number().int().nullable().describe("How long ago the probes saw the head move"),
  checkedAt: z.string().nullable().describe("When the probes last read the chain, ISO 8601"),
  upstreams: z.array(
    z.object({
      name: z.string().describe('Its name when the operator made it public, else "upstream N"'),
      state: z.enum(["up", "down", "unknown"]),
      latencyMs: z.number().nullable(),
      head: z.number().int().nullable(),
    }),
  ),
  lastHour: Window.describe("By minute"),
  lastDay: Window.describe("By 15 minutes"),
  incidents: z.array(Incident).describe("The last 7 days"),
});

/** statusReport.ts's StatusReport. */
export const StatusView = z.object({
  generatedAt: z.string().describe("ISO 8601"),
  rule: z.string().describe("How a chain's state is decided"),
  chains: z.array(ChainStatus).describe("The enabled EVM chains"),
  jobs: z.array(
    z.object({
      job: z.string().describe("prices, validators or sanctions"),
      lastSuccessAt: z.string().nullable(),
      fresh: z.boolean(),
      freshWithinSeconds: z.number().int(),
    }),
  ),
});

export const Healthz = z.object({ ok: z.literal(true) });
