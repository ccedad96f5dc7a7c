// The metrics part of npm run bench (see run.mjs).
//
//   metrics_vs_gateway   The gateway (request metrics on: every call added to the isolate's cells,
//                        flushed every 5 s to the chain's metrics object, and written to Analytics
//                        Engine, a no-op locally) against a second gateway with METRICS_MODE "off",
//                        the same tenant limits and call stream, in the same alternation. Goal >= 0.98.
const round2 = (x) => Math.round(x * 100) / 100;

/** The bindings of the gateway without request metrics. */
export const METRICS_OFF = { METRICS_MODE: "off" };

/** metrics_vs_gateway (req/s) and what metrics add to p50, printed. */
export function metricsRatios({ gateway, no_metrics }) {
  const ratios = {
    metrics_vs_gateway: round2(gateway.rps / no_metrics.rps),
    metrics_p50_added_ms: round2(gateway.p50_ms - no_metrics.p50_ms),
  };
  console.log(
    `gateway with metrics / without req/s: ${ratios.metrics_vs_gateway} (target >= 0.98); p50 added by metrics: ${ratios.metrics_p50_added_ms} ms`,
  );
  return ratios;
}
