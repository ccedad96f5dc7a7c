/**
 * @module
 * What this isolate knows of a chain's upstreams, for `GET /v1/:chain/health` and the admin API:
 * score, state, head and latency per upstream, by opaque id, never by URL.
 */

import type { ChainConfig } from "../config/chains";
import { GATEWAY } from "./confirmation";
import { costOf, lagOf, type UpstreamMetrics } from "./score";
import { metricsOf, rankContextOf } from "./tracker";

export type UpstreamState =
  | "healthy"
  | "unchecked"
  | "unreachable"
  | "wrong_chain"
  | "circuit_open"
  | "half_open"
  | "throttled"
  | "lagging"
  | "degraded";

export interface UpstreamHealthReport {
  id: string;
  state: UpstreamState;
  /** Estimated milliseconds to a good answer; routing prefers the lowest. */
  score: number;
  head: number | null;
  lag: number | null;
  latencyMs: { ewma: number | null; p90: number | null };
  errorRate: number;
  circuit: string;
  capabilities: string[];
}

export interface ChainHealthReport {
  chain: string;
  chainId: number;
  enabled: boolean;
  head: number | null;
  maxLagBlocks: number;
  /** Health is measured by each isolate from its own traffic: this is one isolate's view. */
  observedBy: "isolate";
  upstreams: UpstreamHealthReport[];
}

/** Error rate above which a working upstream is reported degraded. */
const DEGRADED_ERROR_RATE = 0.05;

export function healthReport(chain: ChainConfig, now = Date.now()): ChainHealthReport {
  const context = rankContextOf(chain, now);
  const round = (n: number | undefined) => (n === undefined ? null : Math.round(n * 100) / 100);
  return {
    chain: chain.slug,
    chainId: chain.chainId,
    enabled: chain.enabled,
    head: context.maxHead ?? null,
    maxLagBlocks: chain.maxLagBlocks,
    observedBy: "isolate",
    upstreams: chain.upstreams.map((upstream) => {
      // The view of a caller with no failures of its own: one tenant's failures beyond everyone
      // else's are not shown (./confirmation.ts).
      const m = metricsOf(upstream, now, GATEWAY);
      const lag = m.head === undefined || context.maxHead === undefined ? null : lagOf(m, context);
      const state = stateOf(m, lag ?? 0, chain.maxLagBlocks);
      return {
        id: m.id,
        state,
        score: round(costOf(m, context)) as number,
        head: m.head ?? null,
        lag,
        latencyMs: { ewma: round(m.latencyEwmaMs), p90: round(m.latencyP90Ms) },
        errorRate: round(m.errorRate) as number,
        circuit: m.circuit,
        capabilities: upstream.capabilities,
      };
    }),
  };
}

/** The one word that says most about an upstream, worst first. */
function stateOf(m: UpstreamMetrics, lag: number, maxLagBlocks: number): UpstreamState {
  if (m.chainIdOk === false) return "wrong_chain";
  if (m.circuit === "open") return "circuit_open";
  if (m.circuit === "half_open") return "half_open";
  if (m.chainIdOk === undefined) return m.errorRate > 0 ? "unreachable" : "unchecked";
  if (m.throttled) return "throttled";
  if (lag > maxLagBlocks) return "lagging";
  return m.errorRate > DEGRADED_ERROR_RATE ? "degraded" : "healthy";
}
