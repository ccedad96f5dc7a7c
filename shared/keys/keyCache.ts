/**
 * @module
 * The cache tiers in front of D1 for API keys: isolate memory (valid keys and misses apart, so a
 * flood of unknown keys cannot evict real ones) and KV, which also remembers misses for 10 minutes.
 */
import { KV_TRUST_MS, MEMORY_MISS_TTL_MS, MEMORY_TTL_MS } from "../config/readThrough";
import { TtlCache } from "../isolate/ttlCache";
import type { KeyContext } from "./keyContext";

/** Valid key contexts by cache key. Bound: 10,000 (the first-added goes); lifetime: MEMORY_TTL_MS (15 s). */
const keyMemory = new TtlCache<KeyContext>(10_000);
/** Cache keys D1 knows no valid key for. Bound: 10,000; lifetime: MEMORY_MISS_TTL_MS (5 s). */
const missMemory = new TtlCache<true>(10_000);
/** KV drops a valid key's entry after this; it is trusted only for KV_TRUST_MS (see config/readThrough.ts). */
const KV_EXPIRATION_S = 300;
/** A miss is kept and trusted in KV this long, unless a change to the key's hash deletes it first. */
export const MISS_KV_TTL_S = 600;

/** What KV holds per key hash: a valid key's context, or null for a miss, with the time D1 said so. */
interface KvEntry {
  at: number;
  value: KeyContext | null;
}

/** This isolate's answer without I/O: the context, null for a recent miss, undefined when it does not know. */
export function remembered(cacheKey: string): KeyContext | null | undefined {
  const context = keyMemory.get(cacheKey);
  if (context !== undefined) return context;
  return missMemory.get(cacheKey) ? null : undefined;
}

/** Reads KV, then D1 when KV has no trusted entry; remembers the answer (a miss too) in memory and KV. */
export async function readKey(
  kv: KVNamespace,
  cacheKey: string,
  load: () => Promise<KeyContext | null>,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<KeyContext | null> {
  const now = Date.now();
  // KV is only a cache: when it fails, D1 answers.
  const entry = await kv.get<KvEntry>(cacheKey, "json").catch(() => null);
  let value: KeyContext | null;
  if (entry && now - entry.at <= (entry.value === null ? MISS_KV_TTL_S * 1000 : KV_TRUST_MS)) {
    value = entry.value;
  } else {
    value = await load();
    const stored: KvEntry = { at: now, value };
    const expirationTtl = value === null ? MISS_KV_TTL_S : KV_EXPIRATION_S;
    waitUntil(kv.put(cacheKey, JSON.stringify(stored), { expirationTtl }).catch(() => undefined));
  }
  if (value === null) missMemory.set(cacheKey, true, MEMORY_MISS_TTL_MS);
  else keyMemory.set(cacheKey, value, MEMORY_TTL_MS);
  return value;
}

/** Forgets the key in this isolate only, valid or missed. */
export function forgetInMemory(cacheKey: string): void {
  keyMemory.delete(cacheKey);
  missMemory.delete(cacheKey);
}

/** Forgets the key in this isolate and in KV (valid context or miss), after a write to D1. */
export async function forgetCached(kv: KVNamespace, cacheKey: string): Promise<void> {
  forgetInMemory(cacheKey);
  await kv.delete(cacheKey);
}
