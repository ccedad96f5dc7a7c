/**
 * @module
 * Ranks a chain's upstreams for one call, from their live metrics and what the call needs. Pure:
 * the same numbers always give the same order, so tables of synthetic metrics test it.
 *
 * An upstream is left out when its circuit is open, it serves another chain, it lacks a capability
 * the call needs, or the call depends on the head and it lags more than `maxLagBlocks`. The rest are ordered: upstreams whose chain id is checked before
 * those not checked yet, then by cost, an estimate in milliseconds of how long a good answer takes
 * (recent latency, plus penalties for errors, throttling, lag, a half-open circuit, and a head
 * last seen below the block the call names). Ties keep
 * the configured order; upstreams near the best cost take turns at the front.
 */
import type { CallNeeds, Capability } from "./callNeeds";
import type { CircuitState } from "./circuit";

export interface UpstreamMetrics {
  id: string;
  capabilities: readonly string[];
  /** Oldest block it serves, when known. */
  oldestBlock?: number | undefined;
  /** false: it reported another chain id; undefined: not checked yet. */
  chainIdOk: boolean | undefined;
  circuit: CircuitState;
  latencyEwmaMs: number | undefined;
  latencyP90Ms: number | undefined;
  /** Node failures over calls, in the recent window. */
  errorRate: number;
  throttled: boolean;
  head: number | undefined;
}

export interface RankContext {
  /** Highest head any upstream of the chain reported. */
  maxHead: number | undefined;
  maxLagBlocks: number;
}

export type Exclusion = "circuit_open" | "wrong_chain" | "capability" | "lagging";

export interface RankUpstreamsReturnType<T extends UpstreamMetrics> {
  ranked: T[];
  excluded: { upstream: T; reason: Exclusion }[];
}

/** Upstreams within this of the best cost count as equally good and share the calls. */
export const NEAR_BEST_RATIO = 1.25;
export const NEAR_BEST_MS = 2;
/** Blocks of state a full (non-archive) node keeps behind its head. */
export const FULL_NODE_STATE_BLOCKS = 128;
const ERROR_PENALTY_MS = 2_000;
const THROTTLED_PENALTY_MS = 1_000;
const HALF_OPEN_PENALTY_MS = 500;
const LAG_PENALTY_MS_PER_BLOCK = 20;
/**
 * Last seen below the block the call names. Heads are only known as of the last probe or
 * `eth_blockNumber`, so it is tried last rather than left out: its `null` is retried elsewhere.
 */
const BEHIND_BLOCK_PENALTY_MS = 1_000;

/**
 * Orders the upstreams that can take the call. `turn` (a counter the caller advances per call)
 * rotates the leading group of upstreams whose cost is near the best, so that equally good
 * upstreams share the load instead of one provider taking it all; 0 keeps the plain order.
 */
export function rankUpstreams<T extends UpstreamMetrics>(
  upstreams: readonly T[],
  needs: CallNeeds,
  context: RankContext,
  turn = 0,
): RankUpstreamsReturnType<T> {
  const scored: { upstream: T; unchecked: number; cost: number; order: number }[] = [];
  const excluded: { upstream: T; reason: Exclusion }[] = [];
  upstreams.forEach((upstream, order) => {
    const reason = exclusionOf(upstream, needs, context);
    if (reason) excluded.push({ upstream, reason });
    else {
      const unchecked = upstream.chainIdOk === undefined ? 1 : 0;
      const behind = needs.block !== undefined && upstream.head !== undefined && upstream.head < needs.block;
      const cost = costOf(upstream, context) + (behind ? BEHIND_BLOCK_PENALTY_MS : 0);
      scored.push({ upstream, unchecked, cost, order });
    }
  });
  scored.sort((a, b) => a.unchecked - b.unchecked || a.cost - b.cost || a.order - b.order);
  const ranked = scored.map((s) => s.upstream);
  const best = scored[0];
  let near = 1;
  while (best && near < scored.length) {
    const next = scored[near] as (typeof scored)[number];
    if (next.unchecked !== best.unchecked || next.cost > best.cost * NEAR_BEST_RATIO + NEAR_BEST_MS) break;
    near++;
  }
  const shift = turn % near;
  if (shift > 0) ranked.unshift(...ranked.splice(shift, near - shift));
  return { ranked, excluded };
}

/** Why an upstream cannot take this call, or undefined when it can. */
export function exclusionOf(
  upstream: UpstreamMetrics,
  needs: CallNeeds,
  context: RankContext,
): Exclusion | undefined {
  if (!canServe(upstream, needs, context)) return "capability";
  if (upstream.chainIdOk === false) return "wrong_chain";
  if (upstream.circuit === "open") return "circuit_open";
  if (needs.headDependent && lagOf(upstream, context) > context.maxLagBlocks) return "lagging";
  return undefined;
}

/** Whether the upstream could ever answer this call, whatever its health. */
export function canServe(upstream: UpstreamMetrics, needs: CallNeeds, context: RankContext): boolean {
  const has = (c: Capability) => upstream.capabilities.includes(c);
  if (needs.capability && !has(needs.capability)) return false;
  if (needs.block === undefined) return true;
  if (upstream.oldestBlock !== undefined && (needs.lowestBlock ?? needs.block) < upstream.oldestBlock) {
    return false;
  }
  const old = context.maxHead !== undefined && needs.block < context.maxHead - FULL_NODE_STATE_BLOCKS;
  return !(needs.readsState && old && !has("archive"));
}

/** Estimated milliseconds to a good answer; lower is better. */
export function costOf(upstream: UpstreamMetrics, context: RankContext): number {
  const ewma = upstream.latencyEwmaMs ?? 0;
  const latency = 0.7 * ewma + 0.3 * (upstream.latencyP90Ms ?? ewma);
  return (
    latency +
    upstream.errorRate * ERROR_PENALTY_MS +
    (upstream.throttled ? THROTTLED_PENALTY_MS : 0) +
    (upstream.circuit === "half_open" ? HALF_OPEN_PENALTY_MS : 0) +
    lagOf(upstream, context) * LAG_PENALTY_MS_PER_BLOCK
  );
}

export function lagOf(upstream: UpstreamMetrics, context: RankContext): number {
  if (upstream.head === undefined || context.maxHead === undefined) return 0;
  return Math.max(0, context.maxHead - upstream.head);
}
