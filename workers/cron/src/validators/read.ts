/**
 * @module
 * Asks a P-Chain's upstreams for `platform.getCurrentValidators`, in order, until one gives a set
 * that reads. Each upstream gets the chain's time budget (a mainnet answer is over 1 MB). What an
 * upstream got wrong comes back as client-safe text: its opaque id and the normalised error, never
 * its URL.
 */

import type { ChainConfig } from "../../../../shared/config/chains";
import { sendCalls } from "../../../../shared/upstream/sendCalls";
import { parseValidators, type Validator } from "../../../../shared/validators/parse";

const CALL = { method: "platform.getCurrentValidators", paramsRaw: "{}" };

export type ReadValidatorsReturnType =
  | {
      ok: true;
      upstreamId: string;
      validators: Validator[];
      dropped: number;
      firstProblem?: string;
      /** Upstreams tried before it, and why they did not do. */
      failures: string[];
    }
  | { ok: false; failures: string[] };

export async function readValidators(chain: ChainConfig): Promise<ReadValidatorsReturnType> {
  const failures: string[] = [];
  for (const upstream of chain.upstreams) {
    const [outcome] = await sendCalls({ upstream, calls: [CALL], timeoutMs: chain.budgetMs });
    if (!outcome?.ok) {
      failures.push(`${upstream.id}: ${outcome?.error.message ?? "no answer"}`);
      continue;
    }
    const read = parseValidators(JSON.parse(outcome.resultRaw));
    if (!read.ok) {
      failures.push(`${upstream.id}: ${read.reason}`);
      continue;
    }
    // An empty set is never published over a good one: no live network has no validators.
    if (read.validators.length === 0) {
      failures.push(`${upstream.id}: listed no validators that read (${read.dropped} dropped)`);
      continue;
    }
    return { ...read, upstreamId: upstream.id, failures };
  }
  if (chain.upstreams.length === 0) failures.push("no enabled upstream");
  return { ok: false, failures };
}
