/**
 * @module
 * A request's first read: what it needs from CONFIG_KV that this isolate does not hold (its key's
 * record, its chain's config, the chain's health snapshot) in one bulk KV read, one round trip,
 * handed on to each reader (keyCache.ts, config/chains.ts, routing/seedHealth.ts). An isolate that
 * holds them all reads nothing: the warm path. A key this isolate knows to be unknown reads nothing
 * either, and one it does not know is read only after `beforeLookup` (the pre-auth limit) passes.
 */
import { type ChainKvEntry, chainCacheKey, chainHeld } from "../config/chains";
import type { Env } from "../config/env";
import { isSeeded } from "../routing/seedHealth";
import { type HealthSnapshot, snapshotKey } from "../stores/health";
import { type KeyKvEntry, remembered } from "./keyCache";
import { keyCacheKey } from "./resolveKey";

/** What the bulk read found, by reader; a reader left undefined reads for itself (or needs nothing). */
export interface FirstRead {
  key?: KeyKvEntry | null;
  chain?: ChainKvEntry | null;
  health?: HealthSnapshot | null;
}

export interface FirstReadParameters {
  env: Env;
  /** The SHA-256 of the request's key. */
  hash: string;
  /** The chain the request names. */
  slug: string;
  /** Called before a key this isolate does not know is read; may throw to refuse without I/O. */
  beforeLookup: () => void;
}

/** At once (no promise) when there is nothing to read: the warm path. */
export function firstRead({
  env,
  hash,
  slug,
  beforeLookup,
}: FirstReadParameters): FirstRead | Promise<FirstRead> {
  const keyName = keyCacheKey(hash);
  const known = remembered(keyName);
  // A recent miss is refused from memory, without I/O.
  if (known === null) return {};
  const names: string[] = [];
  if (known === undefined) {
    beforeLookup();
    names.push(keyName);
  }
  const chainName = chainCacheKey(slug);
  if (!chainHeld(env, slug)) names.push(chainName);
  const healthName = snapshotKey(slug);
  if (!isSeeded(slug)) names.push(healthName);
  if (names.length === 0) return {};
  return readAll(env, names, { keyName, chainName, healthName });
}

async function readAll(
  env: Env,
  names: string[],
  { keyName, chainName, healthName }: Record<"keyName" | "chainName" | "healthName", string>,
): Promise<FirstRead> {
  // KV is only a cache: when the read fails, each reader reads (and falls back to D1) on its own.
  const values = await env.CONFIG_KV.get<unknown>(names, "json").catch(() => undefined);
  if (!values) return {};
  const found = (name: string) => (names.includes(name) ? (values.get(name) ?? null) : undefined);
  return {
    key: found(keyName) as KeyKvEntry | null | undefined,
    chain: found(chainName) as ChainKvEntry | null | undefined,
    health: found(healthName) as HealthSnapshot | null | undefined,
  };
}
