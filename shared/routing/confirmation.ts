/**
 * @module
 * Whose failures may change an upstream's health for every tenant. Pure: time comes in as `now` (ms).
 *
 * The rule (tenant isolation of upstream health). An upstream's health in an isolate is shared by
 * every tenant served there, and a tenant chooses its calls, so one tenant's failures alone are not
 * evidence against the node. A failure is recorded with whose call failed: a tenant's (its id), or
 * the gateway's own (`GATEWAY`: its probes of the upstream, a failed reading in the cron probe job's
 * health snapshot, at the time of that reading, the stream feed's and cron jobs' calls).
 * - The circuit (circuit.ts) opens only when its window holds `threshold` failures since the last
 *   success and they are *confirmed*: they include calls of at least two tenants, or at least one
 *   of the gateway's own. Failures of one tenant alone, however many, leave it closed; once they
 *   reach the threshold the upstream is *suspect* and the gateway probes it at once (probe.ts): a
 *   failed probe confirms them and the circuit opens, a good one clears them. Opening is all or
 *   nothing, so a tenant's volume beyond the threshold changes nothing there.
 * - The error rate that ranks upstreams (errorWindow.ts) counts, for every caller but the tenant
 *   with the most failures in its window, that tenant's failures only up to everyone else's (the
 *   other tenants' and the gateway's together); the ones beyond are left out of both the failures
 *   and the calls. That tenant's own calls see them all. So one tenant's failures alone lower the
 *   upstream's rank for that tenant's calls only; 1,000 of them and one failure of another tenant
 *   (or of a probe) weigh as 2 failures for everyone else; failures spread over tenants, none of
 *   which has more than all the others together, count fully.
 * Timeouts of calls whose cost the client controls are not failures at all (policy.ts,
 * clientCostly). Tenants who act together can still open a circuit; a probe then takes the trial
 * call after the cool-down and closes it again if the node answers.
 */

/** Marks the gateway's own calls: probes, the probe job's snapshot, the stream feed, cron jobs. */
export const GATEWAY: unique symbol = Symbol("gateway");

/** Whose call it was: a tenant's id, or the gateway's own. */
export type Caller = string | typeof GATEWAY;

/** What the failures within a window show. */
export interface Witnessed {
  /** Distinct tenants whose calls failed, counted up to two. */
  tenants: number;
  /** Whether one of the gateway's own calls failed. */
  gateway: boolean;
}

/** The circuit's rule above: failures of two tenants' calls, or of the gateway's own, are confirmed. */
export function isConfirmed({ tenants, gateway }: Witnessed): boolean {
  return gateway || tenants >= 2;
}

/** Failures within the error rate's window, by whose calls they were. */
export interface FailureCounts {
  /** Of the gateway's own calls. */
  gateway: number;
  /** Of tenants' calls, every tenant's together. */
  tenants: number;
  /** Of the calls of the tenant with the most of them. */
  top: number;
}

/**
 * The error rate's rule above: how many of the top tenant's failures the other callers do not see,
 * those beyond everyone else's failures.
 */
export function unseenByOthers({ gateway, tenants, top }: FailureCounts): number {
  return Math.max(0, top - (tenants - top) - gateway);
}

/**
 * Who failed within a sliding window, in fixed memory: when the gateway last failed, and the two
 * tenants that failed most recently (enough to tell one tenant from two). Failures may be recorded
 * out of order (a snapshot's reading comes in at its own, earlier, time).
 */
export class Witnesses {
  readonly #windowMs: number;
  #gatewayAt = Number.NEGATIVE_INFINITY;
  /** Newest first, distinct, at most two. */
  #tenants: { id: string; at: number }[] = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  record(by: Caller, at: number): void {
    if (by === GATEWAY) {
      this.#gatewayAt = Math.max(this.#gatewayAt, at);
      return;
    }
    const latest = Math.max(at, this.#tenants.find((t) => t.id === by)?.at ?? at);
    this.#tenants = [{ id: by, at: latest }, ...this.#tenants.filter((t) => t.id !== by)]
      .sort((x, y) => y.at - x.at)
      .slice(0, 2);
  }

  /** The failures recorded within the window ending at `now`. */
  witnessed(now: number): Witnessed {
    const within = (at: number) => at <= now && now - at < this.#windowMs;
    return { tenants: this.#tenants.filter((t) => within(t.at)).length, gateway: within(this.#gatewayAt) };
  }

  clear(): void {
    this.#gatewayAt = Number.NEGATIVE_INFINITY;
    this.#tenants = [];
  }
}
