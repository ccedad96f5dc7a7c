/**
 * @module
 * Call results kept by key in three tiers: this isolate's memory, then the Cache API (this
 * location), then KV (every location). Only results that can never change go below memory: short
 * lived head answers stay in the isolate. A hit in a lower tier fills the tiers above it.
 */

import type { Env } from "../config/env";
import { sha256Hex } from "../crypto/hash";
import { ByteLru } from "../isolate/byteLru";

/** Isolates have 128 MB; the cache takes at most this much of it. */
const MEMORY_BYTES = 16 * 1024 * 1024;
/** Results that never change still leave memory after this, so a busy isolate keeps fresh ones. */
const MEMORY_IMMUTABLE_MS = 10 * 60_000;
/** How long the Cache API and KV keep results that never change. */
const IMMUTABLE_TTL_S = 30 * 24 * 3600;
/** KV refuses values over 25 MiB; results that large are not worth a global copy anyway. */
const KV_MAX_CHARS = 1024 * 1024;
/** The Cache API keys on URLs: a host nothing resolves, so no request ever leaves for it. */
const CACHE_ORIGIN = "https://rpc-cache.invalid/v1/";

/** This isolate's tier. Bound: MEMORY_BYTES (least recently used goes); each entry lives at most its keepMs. */
const memory = new ByteLru(MEMORY_BYTES);

export function fromMemory(key: string): string | undefined {
  return memory.get(key);
}

export interface LookupParameters {
  env: Env;
  key: string;
  /** Look in KV too: only worth its latency for results likely kept there. */
  global: boolean;
  waitUntil: (p: Promise<unknown>) => void;
}

/** The kept result, after memory missed. */
export async function lookup({ env, key, global, waitUntil }: LookupParameters): Promise<string | undefined> {
  const hash = await sha256Hex(key);
  const request = cacheRequest(hash);
  const found = await caches.default.match(request);
  if (found) {
    const resultRaw = await found.text();
    memory.set(key, resultRaw, MEMORY_IMMUTABLE_MS);
    return resultRaw;
  }
  if (!global) return undefined;
  const resultRaw = await env.RPC_CACHE.get(kvKey(hash));
  if (resultRaw === null) return undefined;
  memory.set(key, resultRaw, MEMORY_IMMUTABLE_MS);
  waitUntil(caches.default.put(request, immutableResponse(resultRaw)));
  return resultRaw;
}

export interface StoreParameters {
  env: Env;
  key: string;
  resultRaw: string;
  /** From keepForMs: Infinity for results that never change. */
  keepMs: number;
  waitUntil: (p: Promise<unknown>) => void;
}

export function store({ env, key, resultRaw, keepMs, waitUntil }: StoreParameters): void {
  memory.set(key, resultRaw, Math.min(keepMs, MEMORY_IMMUTABLE_MS));
  if (keepMs !== Number.POSITIVE_INFINITY) return;
  waitUntil(
    sha256Hex(key).then((hash) =>
      Promise.all([
        caches.default.put(cacheRequest(hash), immutableResponse(resultRaw)),
        resultRaw.length <= KV_MAX_CHARS
          ? env.RPC_CACHE.put(kvKey(hash), resultRaw, { expirationTtl: IMMUTABLE_TTL_S })
          : undefined,
      ]),
    ),
  );
}

const cacheRequest = (hash: string) => new Request(`${CACHE_ORIGIN}${hash}`);
const kvKey = (hash: string) => `rpc:v1:${hash}`;
const immutableResponse = (resultRaw: string) =>
  new Response(resultRaw, {
    headers: { "content-type": "application/json", "cache-control": `public, max-age=${IMMUTABLE_TTL_S}` },
  });
