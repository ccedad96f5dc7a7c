/**
 * @module
 * API key -> the key's tenant and plan, by SHA-256 hash, through memory -> KV -> D1.
 * A revoked key, or one whose tenant is suspended, stops working within 60 s (see config/readThrough.ts).
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { dbOf } from "../../db/client";
import { apiKeys, plans, tenants } from "../../db/schema";
import type { Env } from "../config/env";
import { invalidate, readThrough } from "../config/readThrough";
import { sha256Hex } from "../crypto/hash";
import { UnauthorizedError } from "../errors/kinds";
import { TtlCache } from "../isolate/ttlCache";
import type { KeyLimits } from "../metering/limits";

export interface KeyContext {
  keyId: string;
  tenantId: string;
  planId: string;
  maxBatch: number;
  /** Widest eth_getLogs block range one call may ask for. */
  logsMaxBlockRange: number;
  namespaces: string[];
  limits: KeyLimits;
  /** The plan's WebSocket limits. */
  ws: { maxConnections: number; maxSubscriptions: number; maxMessageBytes: number };
  /** A transaction touching a sanctioned address: refused, or sent on and recorded. */
  screening: "block" | "flag";
}

/** Key contexts by cache key. Bound: 10,000 (the first-added goes); lifetime: MEMORY_TTL_MS (readThrough.ts). */
const keyMemory = new TtlCache<KeyContext | null>(10_000);
/** Key -> its SHA-256, so a hot key is hashed once per isolate. Bound: 10,000; lifetime: HASH_TTL_MS. */
const hashes = new TtlCache<string>(10_000);
const HASH_TTL_MS = 10 * 60_000;
/** Versioned: an entry cached by an older deployment, without the newer plan fields, is never read. */
export const keyCacheKey = (hash: string) => `key:v5:${hash}`;
const MAX_KEY_LENGTH = 256;

export async function resolveKey(
  env: Env,
  key: string | undefined,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<KeyContext> {
  if (!key) {
    throw new UnauthorizedError(
      "missing API key: put it in the URL (/v1/<chain>/<key>), in x-api-key, or as Authorization: Bearer",
    );
  }
  if (key.length > MAX_KEY_LENGTH) throw invalidKey();
  return resolveKeyHash(env, await hashOf(key), waitUntil);
}

/** The SHA-256 (hex) of an API key, as keys are stored. */
export async function hashOf(key: string): Promise<string> {
  let hash = hashes.get(key);
  if (hash === undefined) {
    hash = await sha256Hex(key);
    hashes.set(key, hash, HASH_TTL_MS);
  }
  return hash;
}

/** Same as resolveKey, from the key's hash: a WebSocket keeps only the hash of the key it opened with. */
export async function resolveKeyHash(
  env: Env,
  hash: string,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<KeyContext> {
  const context = await readThrough<KeyContext, KeyContext>({
    kv: env.CONFIG_KV,
    key: keyCacheKey(hash),
    memory: keyMemory,
    load: () => loadKey(env.DB, hash),
    hydrate: (stored) => stored,
    waitUntil,
  });
  if (!context) throw invalidKey();
  return context;
}

function invalidKey() {
  return new UnauthorizedError("invalid API key: check the key, or create a new one");
}

async function loadKey(d1: D1Database, hash: string): Promise<KeyContext | null> {
  const row = await dbOf(d1)
    .select({
      keyId: apiKeys.id,
      tenantId: apiKeys.tenantId,
      planId: plans.id,
      maxBatch: plans.maxBatch,
      logsMaxBlockRange: plans.logsMaxBlockRange,
      namespaces: plans.namespaces,
      limits: {
        cuPerSecond: plans.cuPerSecond,
        burstCu: plans.burstCu,
        monthlyCu: plans.monthlyCu,
        keyCuPerSecond: apiKeys.cuPerSecond,
        onMeterDown: plans.onMeterDown,
      },
      ws: {
        maxConnections: plans.wsMaxConnections,
        maxSubscriptions: plans.wsMaxSubscriptions,
        maxMessageBytes: plans.wsMaxMessageBytes,
      },
      screening: plans.screening,
    })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .innerJoin(plans, eq(plans.id, tenants.planId))
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt), eq(tenants.status, "active")))
    .get();
  return row ?? null;
}

/** D1 binds at most 100 parameters per statement. */
const HASHES_PER_QUERY = 90;

/**
 * Of these key hashes, those still valid now, read from D1 itself (no cache): for open WebSockets,
 * which re-check their keys on a timer (workers/stream/src/shard/keyCheck.ts).
 */
export async function validKeyHashes(d1: D1Database, hashes: readonly string[]): Promise<Set<string>> {
  const valid = new Set<string>();
  for (let i = 0; i < hashes.length; i += HASHES_PER_QUERY) {
    const rows = await dbOf(d1)
      .select({ hash: apiKeys.hash })
      .from(apiKeys)
      .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .where(
        and(
          inArray(apiKeys.hash, hashes.slice(i, i + HASHES_PER_QUERY)),
          isNull(apiKeys.revokedAt),
          eq(tenants.status, "active"),
        ),
      );
    for (const row of rows) valid.add(row.hash);
  }
  return valid;
}

/** Forgets the key's context in this isolate only: the next request reads KV (and D1) again. */
export function forgetKey(hash: string): void {
  keyMemory.delete(keyCacheKey(hash));
}

/**
 * Drops cached key contexts (isolate memory and KV) after a change to keys, tenants or plans: the
 * change applies at once in this location and within 60 s everywhere (see config/readThrough.ts).
 */
export async function forgetKeys(env: Env, keys: readonly { hash: string }[]): Promise<void> {
  await Promise.all(keys.map(({ hash }) => invalidate(env.CONFIG_KV, keyMemory, keyCacheKey(hash))));
}
