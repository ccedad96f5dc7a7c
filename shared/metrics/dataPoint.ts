/**
 * @module
 * One answered call as a Workers Analytics Engine data point, for long-term and high-cardinality
 * questions (README, "Metrics"): blobs chain, upstream, family, status class, cache, tenant; doubles
 * latency (ms), CU, attempts; indexed (sampled) by tenant. Pure.
 */
import type { CallSeen } from "./cells";

export function dataPointOf(chain: string, call: CallSeen): AnalyticsEngineDataPoint {
  return {
    blobs: [chain, call.upstream, call.family, call.status, call.cache, call.tenant],
    doubles: [call.latencyMs, call.cu, call.attempts],
    indexes: [call.tenant],
  };
}
