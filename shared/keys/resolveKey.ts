/**
 * @module
 * API key -> the key's tenant and plan, by SHA-256 hash, through memory -> KV -> D1. A key that is
 * not well formed (keyFormat.ts) is refused without I/O; an unknown key is remembered as a miss.
 * A revoked key, or one whose tenant is suspended, stops working within 60 s (see config/readThrough.ts):
 * a key is served from memory within that bound and read again in the background before it ends.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { dbOf } from "../../db/client";
import { apiKeys, plans, tenantJwtKeys, tenants } from "../../db/schema";
import type { Env } from "../config/env";
import { sha256Hex } from "../crypto/hash";
import { UnauthorizedError } from "../errors/kinds";
import { TtlCache } from "../isolate/ttlCache";
import { forgetCached, forgetInMemory, type KeyKvEntry, readKey, refreshKey, remembered } from "./keyCache";
import type { JwtKey, KeyContext, KeyJwt } from "./keyContext";
import { keyShape } from "./keyFormat";
import type { KeyRules } from "./keyRules";

export type { KeyContext } from "./keyContext";

/** Key -> its SHA-256, so a hot key is hashed once per isolate. Bound: 10,000; lifetime: HASH_TTL_MS. */
const hashes = new TtlCache<string>(10_000);
const HASH_TTL_MS = 10 * 60_000;
/** Versioned: an entry cached by an older deployment, without the newer fields (v8: jwt), is never read. */
export const keyCacheKey = (hash: string) => `key:v8:${hash}`;

export interface ResolveKeyOptions {
  /**
   * Called once the key is well formed but this isolate does not know it, just before KV and D1
   * are read; it may throw to refuse the request without that I/O.
   */
  beforeLookup?: () => void;
  /** KV's entry for the key when the request read it already, with others, in one bulk read (./firstRead.ts). */
  prefetched?: KeyKvEntry | null | undefined;
}

export async function resolveKey(
  env: Env,
  key: string | undefined,
  waitUntil: (p: Promise<unknown>) => void,
  options: ResolveKeyOptions = {},
): Promise<KeyContext> {
  return resolveKeyHash(env, await keyHashOf(key), waitUntil, options);
}

/**
 * The hash of a key a request carries, at once when this isolate hashed it before; throws its 401
 * when there is none or it is not well formed (no I/O).
 */
export function keyHashOf(key: string | undefined): string | Promise<string> {
  if (!key) {
    throw new UnauthorizedError(
      "missing API key: put it in the URL (/v1/<chain>/<key>), in x-api-key, or as Authorization: Bearer (when a JWT is the Bearer, the key goes in the URL or x-api-key)",
    );
  }
  // A key hashed before passed this check then: its checksum is not computed again per request.
  const known = hashes.get(key);
  if (known !== undefined) return known;
  if (keyShape(key) === "malformed") throw invalidKey();
  return hashOf(key);
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
  options: ResolveKeyOptions = {},
): Promise<KeyContext> {
  const cacheKey = keyCacheKey(hash);
  // Held in memory: no I/O (a copy due for it is read again in the background).
  let context = remembered(cacheKey, () =>
    refreshKey({ kv: env.CONFIG_KV, cacheKey, load: () => loadKey(env.DB, hash), waitUntil }),
  );
  if (context === undefined) {
    options.beforeLookup?.();
    const load = () => loadKey(env.DB, hash);
    context = await readKey(env.CONFIG_KV, cacheKey, load, waitUntil, options.prefetched);
  }
  if (!context) throw invalidKey();
  return context;
}

function invalidKey() {
  return new UnauthorizedError("invalid API key: check the key, or create a new one");
}

/** The columns of a key's rate and quota, and of its plan's WebSocket caps. */
const LIMITS_COLUMNS = {
  cuPerSecond: plans.cuPerSecond,
  burstCu: plans.burstCu,
  monthlyCu: plans.monthlyCu,
  keyCuPerSecond: apiKeys.cuPerSecond,
  onMeterDown: plans.onMeterDown,
};
const WS_COLUMNS = {
  maxConnections: plans.wsMaxConnections,
  maxSubscriptions: plans.wsMaxSubscriptions,
  maxMessageBytes: plans.wsMaxMessageBytes,
  maxWildcardSubscriptions: plans.wsMaxWildcardSubscriptions,
};

/**
 * Whether the key needs a JWT (its own requireJwt or its plan's), and its tenant's active JWT keys
 * as a JSON array, read in the key's own query.
 */
const JWT_COLUMNS = {
  keyRequires: apiKeys.requireJwt,
  planRequires: plans.requireJwt,
  keys: sql<string>`(select json_group_array(json_object('id', k.id, 'kid', k.kid, 'alg', k.alg, 'jwk', json(k.jwk))) from ${tenantJwtKeys} k where k.tenant_id = ${apiKeys.tenantId} and k.status = 'active')`,
};

/** The key's JWT settings, or undefined when it needs no JWT and its tenant has no active key. */
function jwtOf(columns: { keyRequires: boolean; planRequires: boolean; keys: string }): KeyJwt | undefined {
  const required = columns.keyRequires || columns.planRequires;
  const keys = JSON.parse(columns.keys) as JwtKey[];
  return required || keys.length > 0 ? { required, keys } : undefined;
}

/** The key's allowlist columns, named as in KeyRules. */
const RULES_COLUMNS = {
  allowedOrigins: apiKeys.allowedOrigins,
  allowedIps: apiKeys.allowedIps,
  allowedMethods: apiKeys.allowedMethods,
  allowedContracts: apiKeys.allowedContracts,
  allowedChains: apiKeys.allowedChains,
};

async function loadKey(d1: D1Database, hash: string): Promise<KeyContext | null> {
  const row = await dbOf(d1)
    .select({
      keyId: apiKeys.id,
      tenantId: apiKeys.tenantId,
      planId: plans.id,
      maxBatch: plans.maxBatch,
      logsMaxBlockRange: plans.logsMaxBlockRange,
      namespaces: plans.namespaces,
      limits: LIMITS_COLUMNS,
      ws: WS_COLUMNS,
      maxFilters: plans.maxFilters,
      screening: plans.screening,
      unscreenedSends: plans.unscreenedSends,
      lists: RULES_COLUMNS,
      secretHash: apiKeys.secretHash,
      jwt: JWT_COLUMNS,
    })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .innerJoin(plans, eq(plans.id, tenants.planId))
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt), eq(tenants.status, "active")))
    .get();
  if (!row) return null;
  const { lists, secretHash, jwt, ...context } = row;
  return { ...context, ...guards(lists, secretHash, jwt) };
}

/**
 * A key's lists, secret and JWT settings, each left out (not undefined) when it has none: a key
 * without them makes a request check nothing.
 */
function guards(
  lists: { [K in keyof typeof RULES_COLUMNS]: string[] | null },
  secretHash: string | null,
  jwtColumns: Parameters<typeof jwtOf>[0],
): Pick<KeyContext, "rules" | "secretHash" | "jwt"> {
  const rules = rulesOf(lists);
  const jwt = jwtOf(jwtColumns);
  return { ...(rules && { rules }), ...(secretHash !== null && { secretHash }), ...(jwt && { jwt }) };
}

/** The lists that are set (neither null nor empty: no rule, as keyRules.ts reads them), or undefined. */
function rulesOf(lists: { [K in keyof typeof RULES_COLUMNS]: string[] | null }): KeyRules | undefined {
  const set = Object.entries(lists).filter(([, list]) => list !== null && list.length > 0);
  return set.length > 0 ? (Object.fromEntries(set) as KeyRules) : undefined;
}

/** D1 binds at most 100 parameters per statement. */
const HASHES_PER_QUERY = 90;

/**
 * What an open WebSocket applies of its key: the plan's rate, quota and WebSocket caps, the key's own
 * cap, and its lists, secret and JWT settings.
 */
export type CurrentKey = Pick<KeyContext, "limits" | "ws" | "rules" | "secretHash" | "jwt">;

/**
 * Of these key hashes, those still valid now, with their current limits, read from D1 itself (no
 * cache): for open WebSockets, which re-check their keys on a timer (workers/stream/src/shard/keyCheck.ts).
 */
export async function currentKeys(
  d1: D1Database,
  hashes: readonly string[],
): Promise<Map<string, CurrentKey>> {
  const current = new Map<string, CurrentKey>();
  for (let i = 0; i < hashes.length; i += HASHES_PER_QUERY) {
    const rows = await dbOf(d1)
      .select({
        hash: apiKeys.hash,
        limits: LIMITS_COLUMNS,
        ws: WS_COLUMNS,
        lists: RULES_COLUMNS,
        secretHash: apiKeys.secretHash,
        jwt: JWT_COLUMNS,
      })
      .from(apiKeys)
      .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .innerJoin(plans, eq(plans.id, tenants.planId))
      .where(
        and(
          inArray(apiKeys.hash, hashes.slice(i, i + HASHES_PER_QUERY)),
          isNull(apiKeys.revokedAt),
          eq(tenants.status, "active"),
        ),
      );
    for (const { hash, lists, secretHash, jwt, ...key } of rows) {
      current.set(hash, { ...key, ...guards(lists, secretHash, jwt) });
    }
  }
  return current;
}

/** Forgets the key's context (or miss) in this isolate only: the next request reads KV (and D1) again. */
export function forgetKey(hash: string): void {
  forgetInMemory(keyCacheKey(hash));
}

/**
 * Drops cached key contexts and misses (isolate memory and KV) after a change to keys, tenants or
 * plans, a key's creation included: the change applies at once in this location and within 60 s
 * everywhere (see config/readThrough.ts).
 */
export async function forgetKeys(env: Env, keys: readonly { hash: string }[]): Promise<void> {
  await Promise.all(keys.map(({ hash }) => forgetCached(env.CONFIG_KV, keyCacheKey(hash))));
}
