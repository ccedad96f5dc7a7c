/**
 * @module
 * The cron's per-chain health snapshot in KV: each upstream's last probe reading. An isolate that
 * meets a chain for the first time seeds its tracker from it, so its first request need not wait
 * for a probe of its own. Readings older than SNAPSHOT_MAX_AGE_MS are not used.
 */
import type { ProbeReading } from "../../../../shared/routing/probeReading";
import type { ChainConfig } from "../config/chains";
import { healthOf, recordFinalized, recordHead } from "./tracker";

export interface HealthSnapshot {
  chain: string;
  at: number;
  upstreams: ({ id: string } & ProbeReading)[];
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

/** Chains this isolate has read the snapshot of (or is reading). */
const seeded = new Map<string, Promise<void>>();

/** Reads the chain's snapshot once per isolate and applies it; undefined once that is done. */
export function seedFromSnapshot(kv: KVNamespace, chain: ChainConfig): Promise<void> | undefined {
  const started = seeded.get(chain.slug);
  if (started) return started === DONE ? undefined : started;
  const seeding = readSnapshot(kv, chain.slug)
    .then((snapshot) => {
      if (snapshot) applySnapshot(chain, snapshot, Date.now());
    })
    .catch(() => undefined)
    .finally(() => seeded.set(chain.slug, DONE));
  seeded.set(chain.slug, seeding);
  return seeding;
}

const DONE = Promise.resolve();

/** Gives upstreams this isolate knows nothing about yet the snapshot's readings. */
export function applySnapshot(chain: ChainConfig, snapshot: HealthSnapshot, now: number): void {
  if (now - snapshot.at > SNAPSHOT_MAX_AGE_MS) return;
  for (const upstream of chain.upstreams) {
    const reading = snapshot.upstreams.find((u) => u.id === upstream.id);
    const h = healthOf(upstream);
    if (!reading || h.chainIdOk !== undefined || reading.chainIdOk === undefined) continue;
    h.chainIdOk = reading.chainIdOk;
    if (!reading.ok) continue;
    h.latency.record(reading.latencyMs);
    if (reading.head !== undefined) recordHead(upstream, reading.head);
    if (reading.finalized !== undefined) recordFinalized(upstream, reading.finalized);
  }
}
