/**
 * @module
 * A chain's state on the status page, by a rule stated with it: from its upstreams' last probes (the
 * cron's snapshot, every minute) and the share of calls the service failed (5xx) in the last 5
 * minutes. Pure.
 */

export type ChainState = "operational" | "degraded" | "down" | "unknown";

export const STATE_RULE =
  "down: no upstream answered its last probe, or over 50% of calls failed (5xx) in the last 5 minutes; degraded: some upstream failed its last probe, or over 1% of calls failed in the last 5 minutes; the shares count only with at least 20 calls in those minutes; unknown: no probe in the last 5 minutes; operational otherwise";

/** Fewer calls than this in 5 minutes say nothing about the service: one timeout is not an outage. */
export const MIN_CALLS = 20;

export interface StateFacts {
  /** Each upstream's last probe, ok or not; undefined when no probe is recent enough. */
  probes: readonly boolean[] | undefined;
  /** Calls and service errors of the last 5 minutes. */
  recent: { requests: number; errors: number };
}

/** The state, and the part of the rule that set it. */
export function chainStateOf({ probes, recent }: StateFacts): { state: ChainState; reason: string } {
  const failedShare = recent.requests >= MIN_CALLS ? recent.errors / recent.requests : 0;
  const percent = `${Math.round(failedShare * 1000) / 10}% of calls failed in the last 5 minutes`;
  if (probes !== undefined && probes.length > 0 && probes.every((ok) => !ok)) {
    return { state: "down", reason: "no upstream answered its last probe" };
  }
  if (failedShare > 0.5) return { state: "down", reason: percent };
  if (probes === undefined || probes.length === 0) {
    return { state: "unknown", reason: "no upstream probe in the last 5 minutes" };
  }
  const failing = probes.filter((ok) => !ok).length;
  if (failing > 0)
    return { state: "degraded", reason: `${failing} of ${probes.length} upstreams failed their last probe` };
  if (failedShare > 0.01) return { state: "degraded", reason: percent };
  return { state: "operational", reason: "every upstream answered its last probe" };
}
