/**
 * eth_blockNumber: each answer is the answering upstream's head, for routing. And the answer never
 * goes backwards for clients of one isolate, even when the next answer comes
 * from an upstream a block or two behind the last one (erpc #276). The mark expires, so a chain
 * that really went back (a reset test network) is followed within HIGH_WATER_MS.
 */
import { healthOf, recordHead } from "../routing/tracker";
import type { MethodHooks, OutcomeHook } from "./hooks";

/** A mark not raised for this long is forgotten: lagging upstreams catch up well within it. */
export const HIGH_WATER_MS = 60_000;

/** The highest block served per chain, and when it was set. Bound: one entry per chain served here. */
const served = new Map<string, { block: number; at: number }>();

const highWater: OutcomeHook = (_call, outcome, { chain, upstream }) => {
  if (!outcome.ok) return outcome;
  const answered = Number(JSON.parse(outcome.resultRaw));
  recordHead(upstream, answered);
  // Only an upstream known to serve this chain may raise the mark: another chain's height would stick.
  if (healthOf(upstream).chainIdOk !== true) return outcome;
  if (!Number.isSafeInteger(answered)) return outcome;
  const now = Date.now();
  const mark = served.get(chain.slug);
  if (!mark || answered >= mark.block || now - mark.at > HIGH_WATER_MS) {
    served.set(chain.slug, { block: answered, at: now });
    return outcome;
  }
  return { ok: true, resultRaw: `"0x${mark.block.toString(16)}"` };
};

export const eth_blockNumber: MethodHooks = { afterAttempt: highWater };
