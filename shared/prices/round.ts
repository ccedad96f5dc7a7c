/**
 * @module
 * Whether a Chainlink round can be served as a price, and how it reads as a decimal. A round whose
 * answer is not positive, or that is older than the feed's heartbeat, is rejected: the last good
 * price stays, marked stale. Pure.
 */

export interface Round {
  roundId: bigint;
  answer: bigint;
  /** Seconds since the epoch, as the feed reports it. */
  updatedAt: bigint;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export function judgeRound(round: Round, heartbeatSeconds: number, nowMs: number): Verdict {
  if (round.answer <= 0n)
    return { ok: false, reason: `round ${round.roundId} answer ${round.answer} is not positive` };
  const ageSeconds = Math.floor(nowMs / 1000) - Number(round.updatedAt);
  if (ageSeconds > heartbeatSeconds) {
    return {
      ok: false,
      reason: `round ${round.roundId} was updated ${ageSeconds} s ago, over the feed's ${heartbeatSeconds} s heartbeat`,
    };
  }
  return { ok: true };
}

/** The answer as a decimal string with the feed's decimals: 301245000000 with 8 -> "3012.45". */
export function decimalOf(answer: bigint, decimals: number): string {
  const negative = answer < 0n;
  const digits = (negative ? -answer : answer).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
