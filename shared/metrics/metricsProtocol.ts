/**
 * @module
 * What a chain's metrics object (workers/gateway/src/metrics/chainMetrics.ts) answers over native
 * RPC: isolates send it their cells and circuit openings; the status page, the console and the
 * dashboard read series and breakdowns from it.
 */
import type { Cell, CellDims } from "./cells";
import type { CircuitOpen } from "./circuitOpens";

export interface IngestParameters {
  /** The sending isolate, and the number of this batch from it: a batch is added once. */
  reporter: string;
  seq: number;
  cells: Cell[];
  /** Calls this isolate counted but could not deliver (its retry queue was full), by minute. */
  lost?: Record<string, number>;
  /** Circuits of the chain's upstreams this isolate saw open since its last batch (./circuitOpens.ts). */
  circuitOpens?: CircuitOpen[];
}

/** Counts over a span, with the percentiles of its latency histogram (ms; null without calls). */
export interface Totals {
  requests: number;
  errors: number;
  cu: number;
  attempts: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Point extends Totals {
  /** Start of the step, ms. */
  at: number;
}

export interface SeriesQuery {
  from: number;
  to: number;
  /** Width of each point, ms: a multiple of a minute (of an hour beyond 7 days). */
  stepMs: number;
  /** Only this tenant's calls. */
  tenant?: string;
  /** The chain's totals only, from its whole rows (one a minute): no split by dimension, and cheap. */
  whole?: boolean;
}

export interface SeriesReturnType {
  points: Point[];
  totals: Totals;
  /** The totals split by one dimension each. */
  by: { [D in keyof CellDims]: Record<string, Totals> };
  /** Calls isolates counted but could not deliver, over the span. */
  lost: number;
}

export interface ChainMetricsApi extends Rpc.DurableObjectBranded {
  ingest(p: IngestParameters): void;
  series(q: SeriesQuery): SeriesReturnType;
  /** Circuit openings at or after `since` (ms), newest first, at most 1,000. */
  circuitOpens(since: number): CircuitOpen[];
}
