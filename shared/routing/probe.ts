/**
 * @module
 * Probes of upstreams: `eth_chainId`, `eth_blockNumber`, the `finalized` block and `eth_syncing` in
 * one batch, which checks it serves this chain, tracks its head and finalized block (for the
 * response cache), and measures it even when routing has stopped sending it traffic. The cron's
 * probe job runs them every minute and publishes a snapshot; an isolate seeds its tracker from that
 * snapshot the first time it meets a chain, and keeps probing lazily from live requests (at most
 * every few seconds per upstream, and at once when one tenant's failures make an upstream suspect:
 * the probe confirms them or clears them, see ./confirmation.ts). Probes are the gateway's own calls.
 */

import type { ChainConfig, Upstream } from "../config/chains";
import { resultOf } from "../upstream/batchSender";
import { sendCalls } from "../upstream/sendCalls";
import { GATEWAY } from "./confirmation";
import { PROBE_CALLS, type ProbeReading, readProbe } from "./probeReading";
import { seedFromSnapshot } from "./seedHealth";
import { healthOf, recordFinalized, recordHead, recordResult, type UpstreamHealth } from "./tracker";

const PROBE_INTERVAL_MS = 3_000;
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * Starts the probes that are due and hands them to `waitUntil`. Returns undefined when some upstream
 * is known to serve the chain, otherwise a promise that resolves when a probe confirms one or all
 * have answered. The first time this isolate meets the chain it reads the cron's health snapshot
 * first, which usually makes the wait unnecessary.
 */
export function probeChain(
  kv: KVNamespace,
  chain: ChainConfig,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<void> | undefined {
  const seeding = seedFromSnapshot(kv, chain);
  if (seeding) return seeding.then(() => probeDue(chain, waitUntil));
  return probeDue(chain, waitUntil);
}

function probeDue(chain: ChainConfig, waitUntil: (p: Promise<unknown>) => void): Promise<void> | undefined {
  const now = Date.now();
  const probes: Promise<ProbeReading>[] = [];
  for (const upstream of chain.upstreams) {
    const h = healthOf(upstream);
    if (!probeIsDue(h, now)) continue;
    const state = h.circuit.state(now);
    if (state === "open" || (state === "half_open" && !h.circuit.admit(now))) continue;
    h.probedAt = now;
    const probe = probeUpstream(chain, upstream);
    waitUntil(probe);
    probes.push(probe);
  }
  if (probes.length === 0 || chain.upstreams.some((u) => healthOf(u).chainIdOk)) return undefined;
  return new Promise((resolve) => {
    for (const probe of probes) probe.then((reading) => reading.ok && resolve());
    Promise.allSettled(probes).then(() => resolve());
  });
}

/**
 * Every PROBE_INTERVAL_MS; sooner when the circuit is suspect (one tenant's failures at its
 * threshold) and no probe was sent since the first of them: one probe per suspicion.
 */
function probeIsDue(h: UpstreamHealth, now: number): boolean {
  if (now - h.probedAt >= PROBE_INTERVAL_MS) return true;
  const suspectSince = h.circuit.suspectSince(now);
  return suspectSince !== undefined && h.probedAt < suspectSince;
}

/** Probes one upstream, records what it found in this isolate's tracker, and returns the reading. */
export async function probeUpstream(chain: ChainConfig, upstream: Upstream): Promise<ProbeReading> {
  const started = Date.now();
  const outcomes = await sendCalls({ upstream, calls: PROBE_CALLS, timeoutMs: PROBE_TIMEOUT_MS });
  const now = Date.now();
  const reading = readProbe(outcomes, chain.chainId, now - started);
  if (reading.chainIdOk === undefined || (reading.chainIdOk && !reading.ok)) {
    recordResult(upstream, resultOf(outcomes) === "throttled" ? "throttled" : "failed", GATEWAY, now);
    return reading;
  }
  healthOf(upstream).chainIdOk = reading.chainIdOk;
  recordResult(upstream, "ok", GATEWAY, now, reading.latencyMs);
  if (reading.head !== undefined) recordHead(upstream, reading.head);
  // A node without the tag answers an error, and one with nothing final yet `null`: the chain's
  // finality depth stands in (see finalizedOf).
  if (reading.finalized !== undefined) recordFinalized(upstream, reading.finalized);
  return reading;
}
