/**
 * @module
 * Lazy probes, until the cron worker seeds health: live requests send each upstream
 * `[eth_chainId, eth_blockNumber, eth_getBlockByNumber("finalized")]` at most every few seconds,
 * which checks it serves this chain, tracks its head and finalized block (for the response cache),
 * and measures it even when routing has stopped sending it traffic.
 */
import { blockOfAnswer } from "../../../../shared/cache/policy";
import type { ChainConfig, Upstream } from "../config/chains";
import { type CallOutcome, sendCalls } from "../upstream/send";
import { resultOf } from "../upstream/sender";
import { healthOf, recordFinalized, recordHead, recordResult } from "./tracker";

const PROBE_INTERVAL_MS = 3_000;
const PROBE_TIMEOUT_MS = 2_000;
const PROBE_CALLS = [
  { method: "eth_chainId", paramsRaw: undefined },
  { method: "eth_blockNumber", paramsRaw: undefined },
  { method: "eth_getBlockByNumber", paramsRaw: '["finalized",false]' },
];

/**
 * Starts the probes that are due and hands them to `waitUntil`. Returns undefined when some upstream
 * is known to serve the chain, otherwise a promise that resolves when a probe confirms one or all
 * have answered.
 */
export function probeChain(
  chain: ChainConfig,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<void> | undefined {
  const now = Date.now();
  const probes: Promise<boolean>[] = [];
  for (const upstream of chain.upstreams) {
    const h = healthOf(upstream);
    if (now - h.probedAt < PROBE_INTERVAL_MS) continue;
    const state = h.circuit.state(now);
    if (state === "open" || (state === "half_open" && !h.circuit.admit(now))) continue;
    h.probedAt = now;
    const probe = probeUpstream(chain, upstream);
    waitUntil(probe);
    probes.push(probe);
  }
  if (probes.length === 0 || chain.upstreams.some((u) => healthOf(u).chainIdOk)) return undefined;
  return new Promise((resolve) => {
    for (const probe of probes) probe.then((ok) => ok && resolve());
    Promise.allSettled(probes).then(() => resolve());
  });
}

async function probeUpstream(chain: ChainConfig, upstream: Upstream): Promise<boolean> {
  const started = Date.now();
  const outcomes = await sendCalls({ upstream, calls: PROBE_CALLS, timeoutMs: PROBE_TIMEOUT_MS });
  const now = Date.now();
  const [chainId, head, finalized] = outcomes as [CallOutcome, CallOutcome, CallOutcome];
  if (!chainId.ok || !head.ok) {
    recordResult(upstream, resultOf(outcomes) === "throttled" ? "throttled" : "failed", now);
    return false;
  }
  const h = healthOf(upstream);
  h.chainIdOk = Number(JSON.parse(chainId.resultRaw)) === chain.chainId;
  recordResult(upstream, "ok", now, now - started);
  if (!h.chainIdOk) return false;
  recordHead(upstream, Number(JSON.parse(head.resultRaw)));
  // A node without the tag answers an error, and one with nothing final yet `null`: the chain's
  // finality depth stands in (see finalizedOf).
  const final = finalized.ok ? blockOfAnswer(finalized.resultRaw) : undefined;
  if (final !== undefined) recordFinalized(upstream, final);
  return true;
}
