/**
 * @module
 * A validator set's totals: how many, how many the answering node is connected to, and the stake
 * and delegated stake in nAVAX, summed as BigInt and written as decimal strings. Pure.
 */
import type { Validator } from "./parse";

export interface ValidatorSummary {
  count: number;
  connected: number;
  /** Validators' own stake, nAVAX. */
  totalStake: string;
  /** Stake delegated to them, nAVAX. */
  totalDelegated: string;
}

export function summarizeValidators(validators: readonly Validator[]): ValidatorSummary {
  let stake = 0n;
  let delegated = 0n;
  let connected = 0;
  for (const v of validators) {
    stake += BigInt(v.stake);
    delegated += BigInt(v.delegated);
    if (v.connected === true) connected++;
  }
  return {
    count: validators.length,
    connected,
    totalStake: stake.toString(),
    totalDelegated: delegated.toString(),
  };
}
