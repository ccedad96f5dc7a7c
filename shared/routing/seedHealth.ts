/**
 * @module
 * An isolate that meets a chain for the first time seeds its tracker from the probe job's health
 * snapshot (shared/stores/health.ts), so its first request need not wait for a probe of its own. An
 * HTTP request reads the snapshot in its first bulk read (keys/firstRead.ts) and hands it to seedWith.
 */
import type { ChainConfig } from "../config/chains";
import { BoundedMap } from "../isolate/boundedMap";
import { type HealthSnapshot, readSnapshot, SNAPSHOT_MAX_AGE_MS } from "../stores/health";
import { GATEWAY } from "./confirmation";
import { healthOf, recordFinalized, recordHead, recordResult } from "./tracker";

/**
 * Chains this isolate has read the snapshot of (or is reading), by slug. Bound: MAX_CHAINS (the
 * oldest-added goes first, and is read again if met again); lifetime: the isolate's.
 */
const seeded = new BoundedMap<string, Promise<void>>(1_024);
const DONE = Promise.resolve();

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

/** Whether this isolate has read the chain's snapshot, or is reading it. */
export function isSeeded(slug: string): boolean {
  return seeded.has(slug);
}

/** Applies a snapshot the request read already (null: there is none), in place of seedFromSnapshot's read. */
export function seedWith(chain: ChainConfig, snapshot: HealthSnapshot | null): void {
  if (seeded.get(chain.slug) === DONE) return;
  seeded.set(chain.slug, DONE);
  if (snapshot) applySnapshot(chain, snapshot, Date.now());
}

/**
 * Gives upstreams this isolate knows nothing about yet the snapshot's readings. A failed reading is
 * a probe's failure, the gateway's own: it counts as one failure at the time of the reading (never
 * later than `now`), so it confirms others' failures (./confirmation.ts) only while it is within
 * their window, as the probe's failure would have in this isolate.
 */
export function applySnapshot(chain: ChainConfig, snapshot: HealthSnapshot, now: number): void {
  if (now - snapshot.at > SNAPSHOT_MAX_AGE_MS) return;
  const readAt = Math.min(snapshot.at, now);
  for (const upstream of chain.upstreams) {
    const reading = snapshot.upstreams.find((u) => u.id === upstream.id);
    const h = healthOf(upstream);
    if (!reading || h.chainIdOk !== undefined) continue;
    if (!reading.ok) recordResult(upstream, "failed", GATEWAY, readAt);
    if (reading.chainIdOk === undefined) continue;
    h.chainIdOk = reading.chainIdOk;
    if (!reading.ok) continue;
    h.latency.record(reading.latencyMs);
    if (reading.head !== undefined) recordHead(upstream, reading.head);
    if (reading.finalized !== undefined) recordFinalized(upstream, reading.finalized);
  }
}
