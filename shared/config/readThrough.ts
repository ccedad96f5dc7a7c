/**
 * @module
 * Reads configuration through three layers: isolate memory -> KV -> D1. Every value carries the time
 * D1 said so (`at`) and is used only while younger than `REVOCATION_BOUND_MS`, so a change in D1
 * reaches every isolate within 60 s, however slowly KV propagates. Within that bound a value is
 * served from memory and refreshed in the background (stale-while-revalidate): memory re-reads KV
 * every `REFRESH_AFTER_MS`, and a KV entry older than `KV_REFRESH_MS` is read again from D1, so a
 * request in steady traffic waits on neither. Only a value past the bound, or one this isolate
 * never read, is read before use: from KV (in one bulk read with the request's other entries, see
 * keys/firstRead.ts), and from D1 only when KV's entry is past the bound too.
 */
import type { TtlCache } from "../isolate/ttlCache";

/** A value read from D1 is not used after this (the stated bound for revocations and changes). */
export const REVOCATION_BOUND_MS = 60_000;
/** Memory re-reads KV in the background once its copy was read this long ago. */
export const REFRESH_AFTER_MS = 7_500;
/** A KV entry older than this is read again from D1 (in the background while it is within the bound). */
export const KV_REFRESH_MS = 30_000;
export const MEMORY_MISS_TTL_MS = 5_000;
/** KV drops entries on its own after this; they are past the bound long before. */
const KV_EXPIRATION_S = 300;

/** What KV holds: the stored form, or null for "D1 has none", with the time D1 said so. */
export interface KvEntry<S> {
  at: number;
  value: S | null;
}

/** What memory holds: the value, the time D1 said so, when this isolate read it, and what it opened it with. */
export interface Held<V> {
  value: V | null;
  at: number;
  readAt: number;
  by?: string | undefined;
}

/** The memory of a kind of value: a TtlCache of Held, or two (keys hold valid ones and misses apart). */
export interface HeldMemory<V> {
  get(key: string, now?: number): Held<V> | undefined;
  set(key: string, held: Held<V>, ttlMs: number): void;
  delete(key: string): void;
}

export interface ReadThroughParameters<S, V> {
  kv: KVNamespace;
  key: string;
  memory: HeldMemory<V> | TtlCache<Held<V>>;
  /** Reads the stored form from D1; null when absent. */
  load: () => Promise<S | null>;
  /** Turns the stored form into what callers use (for example: decrypts). */
  hydrate: (stored: S) => V | Promise<V>;
  waitUntil: (promise: Promise<unknown>) => void;
  /** KV's entry when the caller read it already (null: KV has none); undefined: read it here. */
  prefetched?: KvEntry<S> | null | undefined;
  /** How long KV's "D1 has none" is trusted; REVOCATION_BOUND_MS unless given. */
  missTrustMs?: number;
  /** How long KV keeps a miss; KV_EXPIRATION_S unless given. */
  missExpirationS?: number;
  /**
   * What `hydrate` opens the value with (a key ring): a value held under another is not served but
   * opened again, as a new deployment's secrets would.
   */
  by?: string | undefined;
}

/** Keys whose background refresh is running in this isolate: one at a time per key. */
const refreshing = new Set<string>();

/** The value this isolate holds within the bound (starting a due refresh), or undefined when it holds none. */
export function held<S, V>(params: ReadThroughParameters<S, V>, now = Date.now()): Held<V> | undefined {
  const hit = params.memory.get(params.key, now);
  if (hit === undefined || hit.by !== params.by) return undefined;
  if (refreshDue(hit, now)) refresh(params);
  return hit;
}

/** Whether a held value is due to be read again in the background (a miss never is: it just expires). */
export function refreshDue(hit: Held<unknown>, now = Date.now()): boolean {
  return hit.value !== null && now - hit.readAt >= REFRESH_AFTER_MS;
}

/**
 * The value from memory when it is there; otherwise this request reads KV (and D1) itself. Requests
 * never wait on each other's reads: workerd forbids I/O on behalf of another request.
 */
export function readThrough<S, V>(params: ReadThroughParameters<S, V>): Promise<V | null> | V | null {
  const hit = held(params);
  return hit !== undefined ? hit.value : fill(params, false);
}

/** Reads KV (unless prefetched) and, when its entry is past trust, D1; holds the result in memory. */
async function fill<S, V>(params: ReadThroughParameters<S, V>, background: boolean): Promise<V | null> {
  const { kv, key, load, waitUntil } = params;
  const now = Date.now();
  // KV is only a cache: when it fails, D1 answers.
  let entry =
    params.prefetched !== undefined && !background
      ? params.prefetched
      : await kv.get<KvEntry<S>>(key, "json").catch(() => null);
  const trust = entry?.value === null ? (params.missTrustMs ?? REVOCATION_BOUND_MS) : REVOCATION_BOUND_MS;
  const stale = entry !== null && entry.value !== null && now - entry.at > KV_REFRESH_MS;
  if (!entry || now - entry.at > trust || (background && stale)) {
    entry = { at: now, value: await load() };
    // Misses are kept too: an unknown name asked again costs a KV read, not a D1 query. A write to
    // D1 drops the entry (invalidate), and no entry is trusted past the bound.
    const expirationTtl =
      entry.value === null ? (params.missExpirationS ?? KV_EXPIRATION_S) : KV_EXPIRATION_S;
    waitUntil(kv.put(key, JSON.stringify(entry), { expirationTtl }).catch(() => undefined));
  } else if (stale) {
    // Usable, but due for D1: read it again in the background.
    refresh(params, true);
  }
  const value = entry.value === null ? null : await params.hydrate(entry.value);
  hold(params, { value, at: entry.at, readAt: now, by: params.by });
  return value;
}

/**
 * Writes a value to memory for what is left of its bound, counted when it is written (the reads
 * before took time): a value is never held past `at` + REVOCATION_BOUND_MS.
 */
function hold<S, V>(params: ReadThroughParameters<S, V>, held: Held<V>): void {
  const ttl = held.value === null ? MEMORY_MISS_TTL_MS : held.at + REVOCATION_BOUND_MS - Date.now();
  params.memory.set(params.key, held, ttl);
}

/** Reads the value again in the background (KV, and D1 when KV's entry is due), once at a time per key. */
export function refresh<S, V>(params: ReadThroughParameters<S, V>, fromD1 = false): void {
  if (refreshing.has(params.key)) return;
  refreshing.add(params.key);
  const reading = fromD1
    ? readD1(params)
    : fill({ ...params, prefetched: undefined }, true).then(() => undefined);
  params.waitUntil(reading.catch(() => undefined).finally(() => refreshing.delete(params.key)));
}

/**
 * Reads D1, then writes memory and KV: the refresh of a value whose KV entry is due. Memory first, so
 * a KV write that fails loses nothing this isolate read.
 */
async function readD1<S, V>(params: ReadThroughParameters<S, V>): Promise<void> {
  const now = Date.now();
  const entry: KvEntry<S> = { at: now, value: await params.load() };
  const value = entry.value === null ? null : await params.hydrate(entry.value);
  hold(params, { value, at: now, readAt: now, by: params.by });
  const expirationTtl = entry.value === null ? (params.missExpirationS ?? KV_EXPIRATION_S) : KV_EXPIRATION_S;
  await params.kv.put(params.key, JSON.stringify(entry), { expirationTtl }).catch(() => undefined);
}

/** Drops a key from this isolate and from KV, after a write to D1. */
export async function invalidate(
  kv: KVNamespace,
  memory: { delete(key: string): void },
  key: string,
): Promise<void> {
  memory.delete(key);
  await kv.delete(key);
}
