/**
 * @module
 * What one probe of an upstream says: the answers to `eth_chainId`, `eth_blockNumber`, the
 * `finalized` block and `eth_syncing`, read into numbers. Pure; the gateway's lazy probes and the
 * cron's probe job send the same calls and read them here.
 */
import { blockOfAnswer } from "../cache/policy";

/** Sent as one batch, in this order. */
export const PROBE_CALLS = [
  { method: "eth_chainId", paramsRaw: undefined },
  { method: "eth_blockNumber", paramsRaw: undefined },
  { method: "eth_getBlockByNumber", paramsRaw: '["finalized",false]' },
  { method: "eth_syncing", paramsRaw: undefined },
] as const;

export type ProbeOutcome = { ok: true; resultRaw: string } | { ok: false; error: { message: string } };

export interface ProbeReading {
  /** Answered, on the right chain, with a head. */
  ok: boolean;
  latencyMs: number;
  /** The chain id it answered, when it did. */
  chainId?: number;
  chainIdOk?: boolean;
  head?: number;
  /** Its `finalized` block; absent when it does not know the tag or nothing is final yet. */
  finalized?: number;
  syncing?: boolean;
  /** Why it is not ok, safe to show (already normalised, no URL). */
  error?: string;
}

/** A quantity answer ("0x1a") as a number; anything else undefined. */
const numberOf = (raw: string): number | undefined => {
  const match = /^"(0x[0-9a-f]{1,13})"$/i.exec(raw);
  return match ? Number(match[1]) : undefined;
};

export function readProbe(
  outcomes: readonly ProbeOutcome[],
  expectedChainId: number,
  latencyMs: number,
): ProbeReading {
  const [chainId, head, finalized, syncing] = outcomes;
  if (!chainId?.ok) return { ok: false, latencyMs, error: `eth_chainId: ${failure(chainId)}` };
  const id = numberOf(chainId.resultRaw);
  if (id !== expectedChainId) {
    return {
      ok: false,
      latencyMs,
      ...(id === undefined ? {} : { chainId: id }),
      chainIdOk: false,
      error: `eth_chainId answered ${id ?? chainId.resultRaw.slice(0, 40)}, this chain is ${expectedChainId}`,
    };
  }
  const reading: ProbeReading = { ok: false, latencyMs, chainId: id, chainIdOk: true };
  if (syncing?.ok) reading.syncing = syncing.resultRaw !== "false";
  const final = finalized?.ok ? blockOfAnswer(finalized.resultRaw) : undefined;
  if (final !== undefined) reading.finalized = final;
  const headNumber = head?.ok ? numberOf(head.resultRaw) : undefined;
  if (headNumber === undefined) return { ...reading, error: `eth_blockNumber: ${failure(head)}` };
  return { ...reading, ok: true, head: headNumber };
}

function failure(outcome: ProbeOutcome | undefined): string {
  if (!outcome) return "no answer";
  return outcome.ok ? `not a block number: ${outcome.resultRaw.slice(0, 40)}` : outcome.error.message;
}
