/**
 * eth_blockNumber never goes backwards for clients of one isolate, even when the next answer comes
 * from an upstream a block or two behind the last one (erpc #276).
 */
import { healthOf } from "../routing/tracker";
import type { OutcomeHook } from "./hooks";

const served = new Map<string, number>();

export const eth_blockNumber: OutcomeHook = (_call, outcome, { chain, upstream }) => {
  // Only an upstream known to serve this chain may raise the mark: another chain's height would stick.
  if (!outcome.ok || healthOf(upstream).chainIdOk !== true) return outcome;
  const answered = Number(JSON.parse(outcome.resultRaw));
  if (!Number.isSafeInteger(answered)) return outcome;
  const highest = served.get(chain.slug) ?? -1;
  if (answered >= highest) {
    served.set(chain.slug, answered);
    return outcome;
  }
  return { ok: true, resultRaw: `"0x${highest.toString(16)}"` };
};
