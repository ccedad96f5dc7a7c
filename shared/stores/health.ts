/**
 * @module
 * The probe job's per-chain health snapshot in KV (`health:v1:<chain>`): each upstream's last probe
 * reading. Written by workers/cron's probe job, read by isolates that meet a chain for the first
 * time (shared/routing/seedHealth.ts). Readings older than SNAPSHOT_MAX_AGE_MS are not used.
 */
import type { ProbeReading } from "../routing/probeReading";

export interface HealthSnapshot {
  chain: string;
  at: number;
  upstreams: ({ id: string } & ProbeReading)[];
  /** The highest head the probes read, and when a probe first read it (the status page's block age). */
  head?: number;
  headAt?: number;
}

/** The head of a new snapshot's readings, and when it was first seen, carried over from `previous`. */
export function headOf(
  readings: readonly ProbeReading[],
  previous: HealthSnapshot | null,
  at: number,
): Pick<HealthSnapshot, "head" | "headAt"> {
  let head: number | undefined;
  for (const r of readings)
    if (r.ok && r.head !== undefined && (head === undefined || r.head > head)) head = r.head;
  if (head === undefined)
    return previous?.head === undefined ? {} : { head: previous.head, headAt: previous.headAt };
  const moved = previous?.head === undefined || head > previous.head || previous.headAt === undefined;
  return { head, headAt: moved ? at : previous.headAt };
}

/** The probe job runs every minute; a snapshot older than five is stale. */
export const SNAPSHOT_MAX_AGE_MS = 5 * 60_000;

export const snapshotKey = (slug: string) => `health:v1:${slug}`;

export function writeSnapshot(kv: KVNamespace, snapshot: HealthSnapshot): Promise<void> {
  return kv.put(snapshotKey(snapshot.chain), JSON.stringify(snapshot));
}

export function readSnapshot(kv: KVNamespace, slug: string): Promise<HealthSnapshot | null> {
  return kv.get<HealthSnapshot>(snapshotKey(slug), "json");
}
