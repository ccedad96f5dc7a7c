/**
 * @module
 * Whose failures may change an upstream's health for every tenant. Pure: time comes in as `now` (ms).
 *
 * The rule (tenant isolation of upstream health). An upstream's health in an isolate is shared by
 * every tenant served there, and a tenant chooses its calls, so one tenant's failures alone are not
 * evidence against the node. A failure is recorded with whose call failed: a tenant's (its id), or
 * the gateway's own (`GATEWAY`: its probes of the upstream, a failed reading in the cron probe job's
 * health snapshot, the stream feed's and cron jobs' calls). Within a window, failures are
 * *confirmed* when they include calls of at least two tenants, or at least one of the gateway's own.
 * - The circuit (circuit.ts) opens only when its window holds `threshold` failures since the last
 *   success and they are confirmed. Failures of one tenant alone, however many, leave it closed;
 *   once they reach the threshold the upstream is *suspect* and the gateway probes it at once
 *   (probe.ts): a failed probe confirms them and the circuit opens, a good one clears them.
 * - The error rate that ranks upstreams (errorWindow.ts) counts unconfirmed failures only for the
 *   tenant whose calls failed: that tenant's calls prefer the other upstreams, everyone else's
 *   ranking is unchanged.
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
  /** With exactly one failing tenant and no gateway failure: that tenant. */
  sole: string | undefined;
}

/** The rule above: failures of two tenants' calls, or of the gateway's own, are confirmed. */
export function isConfirmed({ tenants, gateway }: Witnessed): boolean {
  return gateway || tenants >= 2;
}

/**
 * Who failed within a sliding window, in fixed memory: when the gateway last failed, and the two
 * tenants that failed most recently (enough to tell one tenant from two).
 */
export class Witnesses {
  readonly #windowMs: number;
  #gatewayAt = Number.NEGATIVE_INFINITY;
  /** Newest first, distinct, at most two. */
  #tenants: { id: string; at: number }[] = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  record(by: Caller, now: number): void {
    if (by === GATEWAY) {
      this.#gatewayAt = Math.max(this.#gatewayAt, now);
      return;
    }
    const others = this.#tenants.filter((t) => t.id !== by);
    this.#tenants = [{ id: by, at: now }, ...others].slice(0, 2);
  }

  /** The failures recorded within the window ending at `now`. */
  witnessed(now: number): Witnessed {
    const within = (at: number) => at <= now && now - at < this.#windowMs;
    const tenants = this.#tenants.filter((t) => within(t.at));
    const gateway = within(this.#gatewayAt);
    const sole = tenants.length === 1 && !gateway ? tenants[0]?.id : undefined;
    return { tenants: tenants.length, gateway, sole };
  }

  clear(): void {
    this.#gatewayAt = Number.NEGATIVE_INFINITY;
    this.#tenants = [];
  }
}
