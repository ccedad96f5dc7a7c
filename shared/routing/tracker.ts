/**
 * @module
 * Health of each upstream as this isolate sees it from live traffic and probes: latency, node
 * error rate, throttling, head block, chain id check and circuit state. It records; the pure
 * rules in shared/routing decide what the numbers mean. Each circuit opening is noted for the
 * upstream's chain (shared/metrics/circuitOpens.ts), for the status page's incidents.
 */

import type { ChainConfig, Upstream } from "../config/chains";
import { BoundedMap } from "../isolate/boundedMap";
import { noteCircuitOpen } from "../metrics/circuitOpens";
import { Circuit, DEFAULT_CIRCUIT } from "./circuit";
import type { Caller } from "./confirmation";
import { ErrorWindow } from "./errorWindow";
import { LatencyStats } from "./latency";
import type { RankContext, UpstreamMetrics } from "./score";

/** Most upstreams and chains whose state an isolate keeps; far above what one deployment serves. */
const MAX_UPSTREAMS = 4_096;
const MAX_CHAINS = 1_024;
/** How long a 429 keeps an upstream marked as throttled. */
const THROTTLED_MS = 5_000;

export interface UpstreamHealth {
  /** The URL these numbers were measured on: a new URL starts from scratch. */
  readonly url: string;
  readonly latency: LatencyStats;
  readonly errors: ErrorWindow;
  readonly circuit: Circuit;
  throttledUntil: number;
  head: number | undefined;
  /** Its `finalized` block, when it answers the tag. */
  finalized: number | undefined;
  chainIdOk: boolean | undefined;
  /** When this isolate last sent it a probe. */
  probedAt: number;
  /** The slug of its chain, once this isolate has ranked the chain's upstreams (rankContextOf). */
  chain: string | undefined;
}

/** What one request to an upstream came to, for its health. */
export type RequestResult = "ok" | "failed" | "throttled";

/**
 * Health by upstream id. Bound: MAX_UPSTREAMS (the oldest-added goes first); lifetime: the isolate's,
 * started afresh when an upstream's URL changes.
 */
const health = new BoundedMap<string, UpstreamHealth>(MAX_UPSTREAMS);

/** The health of an upstream, started afresh when it is new or its URL changed. */
export function healthOf(upstream: Upstream): UpstreamHealth {
  let found = health.get(upstream.id);
  if (found?.url !== upstream.url) {
    const fresh: UpstreamHealth = {
      url: upstream.url,
      latency: new LatencyStats(),
      errors: new ErrorWindow(),
      circuit: new Circuit(DEFAULT_CIRCUIT, (at) => noteCircuitOpen(fresh.chain, upstream.id, at)),
      throttledUntil: 0,
      head: undefined,
      finalized: undefined,
      chainIdOk: undefined,
      probedAt: -Infinity,
      chain: found?.chain,
    };
    health.set(upstream.id, fresh);
    found = fresh;
  }
  return found;
}

/**
 * Records one request to an upstream, made for `by` (a tenant, or the gateway's own: see
 * ./confirmation.ts). `latencyMs` is given only when it is worth a sample (a single call; a batch's
 * time says little about the node).
 */
export function recordResult(
  upstream: Upstream,
  result: RequestResult,
  by: Caller,
  now: number,
  latencyMs?: number,
): void {
  const h = health.get(upstream.id);
  // Measured on a URL the upstream no longer has: not its health any more.
  if (h?.url !== upstream.url) return;
  if (latencyMs !== undefined && result !== "failed") h.latency.record(latencyMs);
  if (result === "throttled") {
    h.throttledUntil = now + THROTTLED_MS;
    return;
  }
  h.errors.record(result === "failed", now, by);
  if (result === "failed") h.circuit.failure(now, by);
  else h.circuit.success();
}

export function recordHead(upstream: Upstream, head: number): void {
  const h = health.get(upstream.id);
  if (h?.url === upstream.url && h.chainIdOk !== false && Number.isSafeInteger(head)) h.head = head;
}

export function recordFinalized(upstream: Upstream, finalized: number): void {
  const h = health.get(upstream.id);
  if (h?.url === upstream.url && h.chainIdOk === true && Number.isSafeInteger(finalized))
    h.finalized = finalized;
}

/**
 * The newest block this upstream holds as final: its `finalized` tag, or its head less the chain's
 * finality depth when it does not answer the tag; never above its head.
 */
export function finalizedOf(upstream: Upstream, finalityDepth: number): number | undefined {
  const h = health.get(upstream.id);
  if (h?.url !== upstream.url || h.chainIdOk !== true || h.head === undefined) return undefined;
  return Math.min(h.head, h.finalized ?? h.head - finalityDepth);
}

/** The highest block any upstream of the chain holds as final. */
export function chainFinalizedOf(chain: ChainConfig): number | undefined {
  let highest: number | undefined;
  for (const upstream of chain.upstreams) {
    const finalized = finalizedOf(upstream, chain.finalityDepth);
    if (finalized !== undefined) highest = Math.max(highest ?? finalized, finalized);
  }
  return highest;
}

/**
 * The highest block held as final by at least two of the chain's upstreams (the second highest of
 * their finalized blocks); with only one upstream that knows, its own.
 */
export function confirmedFinalizedOf(chain: ChainConfig): number | undefined {
  const finalized: number[] = [];
  for (const upstream of chain.upstreams) {
    const f = finalizedOf(upstream, chain.finalityDepth);
    if (f !== undefined) finalized.push(f);
  }
  finalized.sort((a, b) => b - a);
  return finalized.length >= 2 ? finalized[1] : finalized[0];
}

/** An upstream's metrics as `viewer`'s calls are ranked by them (its error rate is the viewer's). */
export function metricsOf(
  upstream: Upstream,
  now: number,
  viewer: Caller,
): UpstreamMetrics & { upstream: Upstream } {
  const h = healthOf(upstream);
  return {
    upstream,
    id: upstream.id,
    capabilities: upstream.capabilities,
    oldestBlock: upstream.oldestBlock,
    chainIdOk: h.chainIdOk,
    circuit: h.circuit.state(now),
    latencyEwmaMs: h.latency.ewma,
    latencyP90Ms: h.latency.p90,
    errorRate: h.errors.rate(now, viewer),
    throttled: h.throttledUntil > now,
    head: h.head,
  };
}

/** Turn counters by chain slug. Bound: MAX_CHAINS; lifetime: the isolate's. */
const turns = new BoundedMap<string, number>(MAX_CHAINS);

/** A counter per chain that advances with every routed call, so near-equal upstreams take turns. */
export function nextTurn(chain: string): number {
  const turn = (turns.get(chain) ?? 0) + 1;
  turns.set(chain, turn % 1_000_000);
  return turn;
}

/**
 * The chain's highest head among upstreams known to serve it, and its lag limit. Every routed call
 * comes here first, so this is where an upstream's health learns its chain.
 */
export function rankContextOf(chain: ChainConfig, now = Date.now()): RankContext {
  let maxHead: number | undefined;
  for (const upstream of chain.upstreams) {
    const h = healthOf(upstream);
    if (h.chain !== chain.slug) h.chain = chain.slug;
    // A dead upstream's last head must not make the live ones look behind.
    if (h.chainIdOk && h.head !== undefined && h.circuit.state(now) !== "open") {
      maxHead = Math.max(maxHead ?? 0, h.head);
    }
  }
  return { maxHead, maxLagBlocks: chain.maxLagBlocks };
}
