/**
 * @module
 * The latest validator snapshot per network (an avalanche-p chain's slug) in KV, written by the
 * validators job and read by `GET /v1/validators/:network`. A snapshot is stale when the job marked
 * it so (its last read failed; the set is the last good one) or when it is older than two missed
 * runs by the time it is read.
 */
import type { Validator } from "../validators/parse";
import type { ValidatorSummary } from "../validators/summarize";

export interface ValidatorSnapshot extends ValidatorSummary {
  network: string;
  /** When the job read this set (ISO 8601). */
  at: string;
  /** When the job last tried to read the network. */
  checkedAt: string;
  stale: boolean;
  staleReason?: string;
  /** Entries the node listed that did not read, left out of the set and the totals. */
  dropped: number;
  validators: Validator[];
}

/** The job runs every 15 minutes: a set older than this has missed two runs. */
export const STALE_AFTER_MS = 30 * 60_000;

const snapshotKey = (network: string) => `validators:v1:${network}`;

export function readValidatorSnapshot(kv: KVNamespace, network: string): Promise<ValidatorSnapshot | null> {
  return kv.get<ValidatorSnapshot>(snapshotKey(network), "json");
}

export async function writeValidatorSnapshot(kv: KVNamespace, snapshot: ValidatorSnapshot): Promise<void> {
  await kv.put(snapshotKey(snapshot.network), JSON.stringify(snapshot));
}

/** The snapshot as served: stale also when no run has refreshed it for two runs. */
export function asServed(snapshot: ValidatorSnapshot, now: number): ValidatorSnapshot {
  const age = now - Date.parse(snapshot.at);
  if (snapshot.stale || age <= STALE_AFTER_MS) return snapshot;
  return {
    ...snapshot,
    stale: true,
    staleReason: `read ${Math.floor(age / 60_000)} min ago; the validators job reads every 15 minutes`,
  };
}
