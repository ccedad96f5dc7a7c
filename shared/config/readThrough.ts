/**
 * @module
 * Reads configuration through three layers: isolate memory -> KV -> D1. Each KV entry carries the
 * time it was read from D1 and is trusted only while younger than `KV_TRUST_MS`, so a change in D1
 * reaches every isolate within KV_TRUST_MS + MEMORY_TTL_MS (60 s), however slowly KV propagates.
 */
import type { TtlCache } from "../isolate/ttlCache";

export const MEMORY_TTL_MS = 15_000;
export const MEMORY_MISS_TTL_MS = 5_000;
export const KV_TRUST_MS = 45_000;
/** KV drops entries on its own after this; they are untrusted long before. */
const KV_EXPIRATION_S = 300;

interface KvEntry<S> {
  at: number;
  value: S | null;
}

export interface ReadThroughParameters<S, V> {
  kv: KVNamespace;
  key: string;
  memory: TtlCache<V | null>;
  /** Reads the stored form from D1; null when absent. */
  load: () => Promise<S | null>;
  /** Turns the stored form into what callers use (for example: decrypts). */
  hydrate: (stored: S) => V | Promise<V>;
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * The value from memory when it is there; otherwise this request reads KV (and D1) itself. Requests
 * never wait on each other's reads: workerd forbids I/O on behalf of another request.
 */
export function readThrough<S, V>(params: ReadThroughParameters<S, V>): Promise<V | null> | V | null {
  const hit = params.memory.get(params.key);
  return hit !== undefined ? hit : fill(params);
}

async function fill<S, V>({ kv, key, memory, load, hydrate, waitUntil }: ReadThroughParameters<S, V>) {
  const now = Date.now();
  // KV is only a cache: when it fails, D1 answers.
  let entry = await kv.get<KvEntry<S>>(key, "json").catch(() => null);
  if (!entry || now - entry.at > KV_TRUST_MS) {
    entry = { at: now, value: await load() };
    // Misses are kept too: an unknown name asked again costs a KV read, not a D1 query. A write to
    // D1 drops the entry (invalidate), and no entry is trusted past KV_TRUST_MS.
    waitUntil(kv.put(key, JSON.stringify(entry), { expirationTtl: KV_EXPIRATION_S }));
  }
  const value = entry.value === null ? null : await hydrate(entry.value);
  memory.set(key, value, value === null ? MEMORY_MISS_TTL_MS : MEMORY_TTL_MS);
  return value;
}

/** Drops a key from this isolate and from KV, after a write to D1. */
export async function invalidate(kv: KVNamespace, memory: TtlCache<unknown>, key: string): Promise<void> {
  memory.delete(key);
  await kv.delete(key);
}
