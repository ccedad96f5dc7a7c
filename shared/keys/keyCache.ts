/**
 * @module
 * The cache tiers in front of D1 for API keys (config/readThrough.ts): isolate memory (valid keys
 * and misses apart, so a flood of unknown keys cannot evict real ones) and KV, which also remembers
 * misses for 10 minutes. A valid key is served from memory within the 60 s bound and refreshed in
 * the background; a miss is never served past MEMORY_MISS_TTL_MS from memory.
 */
import {
  type Held,
  type HeldMemory,
  type KvEntry,
  readThrough,
  refreshDue,
  refresh as refreshInBackground,
} from "../config/readThrough";
import { TtlCache } from "../isolate/ttlCache";
import type { KeyContext } from "./keyContext";

/** Valid key contexts by cache key. Bound: 10,000 (the first-added goes); lifetime: until 60 s after D1 said so. */
const keyMemory = new TtlCache<Held<KeyContext>>(10_000);
/** Cache keys D1 knows no valid key for. Bound: 10,000; lifetime: MEMORY_MISS_TTL_MS (5 s). */
const missMemory = new TtlCache<Held<KeyContext>>(10_000);
/** A miss is kept and trusted in KV this long, unless a change to the key's hash deletes it first. */
export const MISS_KV_TTL_S = 600;

const memory: HeldMemory<KeyContext> = {
  get: (key, now) => keyMemory.get(key, now) ?? missMemory.get(key, now),
  set(key, entry, ttlMs) {
    const [into, other] = entry.value === null ? [missMemory, keyMemory] : [keyMemory, missMemory];
    other.delete(key);
    into.set(key, entry, ttlMs);
  },
  delete(key) {
    keyMemory.delete(key);
    missMemory.delete(key);
  },
};

export type KeyKvEntry = KvEntry<KeyContext>;

export interface ReadKeyParameters {
  kv: KVNamespace;
  cacheKey: string;
  load: () => Promise<KeyContext | null>;
  waitUntil: (p: Promise<unknown>) => void;
  /** KV's entry when the request read it already, with others, in one bulk read. */
  prefetched?: KeyKvEntry | null | undefined;
}

const paramsOf = ({ kv, cacheKey, load, waitUntil, prefetched }: ReadKeyParameters) => ({
  kv,
  key: cacheKey,
  memory,
  load,
  hydrate: (stored: KeyContext) => stored,
  waitUntil,
  prefetched,
  missTrustMs: MISS_KV_TTL_S * 1000,
  missExpirationS: MISS_KV_TTL_S,
});

/**
 * This isolate's answer without I/O: the context, null for a recent miss, undefined when it does not
 * know (or its copy is past the bound). `refresh` is called when the copy is due to be read again.
 */
export function remembered(cacheKey: string, refresh?: () => void): KeyContext | null | undefined {
  const hit = memory.get(cacheKey);
  if (hit !== undefined && refresh && refreshDue(hit)) refresh();
  return hit?.value;
}

/** Reads the key again in the background (KV, and D1 when KV's entry is due). */
export function refreshKey(params: Omit<ReadKeyParameters, "prefetched">): void {
  refreshInBackground(paramsOf(params));
}

/** Reads KV (unless prefetched), then D1 when KV has no trusted entry; remembers the answer (a miss too) in memory and KV. */
export async function readKey(
  kv: KVNamespace,
  cacheKey: string,
  load: () => Promise<KeyContext | null>,
  waitUntil: (p: Promise<unknown>) => void,
  prefetched?: KeyKvEntry | null,
): Promise<KeyContext | null> {
  return readThrough(paramsOf({ kv, cacheKey, load, waitUntil, prefetched }));
}

/** Forgets the key in this isolate only, valid or missed. */
export function forgetInMemory(cacheKey: string): void {
  memory.delete(cacheKey);
}

/** Forgets the key in this isolate and in KV (valid context or miss), after a write to D1. */
export async function forgetCached(kv: KVNamespace, cacheKey: string): Promise<void> {
  forgetInMemory(cacheKey);
  await kv.delete(cacheKey);
}
