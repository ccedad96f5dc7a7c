/**
 * @module
 * Circuit openings seen in this isolate (shared/routing/circuit.ts), held per chain until the
 * collector (./collector.ts) sends them with the chain's next batch to its metrics object, which
 * keeps them for the status page's incidents. Never throws: an opening must not fail a call.
 */

export interface CircuitOpen {
  /** The upstream's id. */
  upstream: string;
  /** When its circuit opened, ms. */
  at: number;
}

/** Openings held per chain; past this many until the next flush they are counted as dropped. */
export const MAX_OPENS_PER_CHAIN = 50;

/**
 * Openings not sent yet, per chain. Bound: MAX_OPENS_PER_CHAIN per chain (the chains are the
 * configured ones); lifetime: until the next flush takes them.
 */
const held = new Map<string, CircuitOpen[]>();
/** Openings past the bound, per chain, to report at the next flush. */
const dropped = new Map<string, number>();

/**
 * Notes that `upstream`'s circuit opened at `at`. `chain` is undefined when this isolate has not
 * routed a call of the upstream's chain yet: the opening cannot be placed, and is logged.
 */
export function noteCircuitOpen(chain: string | undefined, upstream: string, at: number): void {
  try {
    if (chain === undefined) {
      console.warn(JSON.stringify({ event: "circuit_open_unplaced", upstream, at }));
      return;
    }
    const list = held.get(chain) ?? [];
    if (list.length >= MAX_OPENS_PER_CHAIN) {
      dropped.set(chain, (dropped.get(chain) ?? 0) + 1);
      return;
    }
    list.push({ upstream, at });
    held.set(chain, list);
  } catch {
    // Metrics must not fail a call.
  }
}

/** Chains with openings held. */
export function chainsWithOpens(): string[] {
  return [...held.keys(), ...dropped.keys()];
}

/** Takes the chain's held openings (the caller now owns them), logging any dropped since the last take. */
export function takeCircuitOpens(chain: string): CircuitOpen[] | undefined {
  const list = held.get(chain);
  held.delete(chain);
  const n = dropped.get(chain);
  dropped.delete(chain);
  if (n) reportDropped(chain, n);
  return list && list.length > 0 ? list : undefined;
}

/** Openings that will never reach the chain's metrics object: said in the log, never silently. */
export function reportDropped(chain: string, count: number): void {
  console.warn(JSON.stringify({ event: "circuit_opens_dropped", chain, count }));
}
