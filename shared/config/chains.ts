/**
 * @module
 * Chain slug -> the chain and its enabled upstreams, through memory -> KV -> D1. KV holds upstream
 * URLs sealed (with the UPSTREAM_KEY ring, bound to their row); only isolate memory holds them open.
 * Changes reach every isolate within 60 s; within that bound a chain is served from memory and
 * refreshed in the background (readThrough.ts). The
 * JSON-RPC paths (HTTP, WebSocket, health) take a chain only through `resolveRpcChain`, which turns
 * away chains that are not EVM.
 */
import { and, eq } from "drizzle-orm";
import { dbOf } from "../../db/client";
import { chains, upstreams } from "../../db/schema";
import { type KeyRing, keyRingOf } from "../crypto/keyRing";
import { open } from "../crypto/secretBox";
import { ChainNotFoundError, InternalError } from "../errors/kinds";
import { secretsOf } from "../errors/redact";
import { TtlCache } from "../isolate/ttlCache";
import type { Env } from "./env";
import { type Held, invalidate, type KvEntry, readThrough } from "./readThrough";

type ChainSettings = Pick<
  typeof chains.$inferSelect,
  | "budgetMs"
  | "maxLagBlocks"
  | "blockTimeMs"
  | "finalityDepth"
  | "logsBlockRange"
  | "logsMaxResults"
  | "cacheGeneration"
  | "maxResponseBytes"
>;

type ChainKind = (typeof chains.$inferSelect)["kind"];

interface StoredChain extends ChainSettings {
  slug: string;
  kind: ChainKind;
  chainId: number;
  enabled: boolean;
  upstreams: { id: string; urlSealed: string; capabilities: string[]; oldestBlock: number | null }[];
}

export interface Upstream {
  /** Opaque id, safe to show to clients. */
  id: string;
  url: string;
  /** Fragments of the URL to scrub from anything a client or a log may see. */
  secrets: string[];
  capabilities: string[];
  oldestBlock: number | undefined;
  /** Largest answer read from it (its chain's setting); 32 MiB when not given. */
  maxResponseBytes?: number;
}

/** A chain and its enabled upstreams; the settings are documented in db/schema.ts. */
export interface ChainConfig extends ChainSettings {
  slug: string;
  /** `evm`: served over JSON-RPC; `avalanche-p`: read only by the validators job. */
  kind: ChainKind;
  chainId: number;
  enabled: boolean;
  upstreams: Upstream[];
}

/**
 * Chains by cache key. Bound: 1,000 (the first-added goes); lifetime: until 60 s after D1 said so
 * (refreshed in the background before), a miss 5 s (readThrough.ts).
 */
const chainMemory = new TtlCache<Held<ChainConfig>>(1_000);
/** Versioned: an entry cached by an older deployment, without the newer settings, is never read. */
export const chainCacheKey = (slug: string) => `chain:v5:${slug}`;

/** Drops the chain's cached config (isolate and KV) after a change: at once here, within 60 s everywhere. */
export const forgetChain = (env: Env, slug: string) =>
  invalidate(env.CONFIG_KV, chainMemory, chainCacheKey(slug));

/** The ring that seals upstream URLs: UPSTREAM_KEY, newest key first. Throws when it is unset or malformed. */
export const upstreamKeyRing = (env: Env): KeyRing => keyRingOf("UPSTREAM_KEY", env.UPSTREAM_KEY);

/** The additional data an upstream's sealed URL is bound to: its row, so the value opens nowhere else. */
export const upstreamAad = (upstreamId: string) => `upstreams:${upstreamId}`;

/** KV's entry of a chain, as a request's bulk read hands it over (keys/firstRead.ts). */
export type ChainKvEntry = KvEntry<StoredChain>;

const chainParams = (
  env: Env,
  slug: string,
  waitUntil: (p: Promise<unknown>) => void,
  prefetched?: ChainKvEntry | null,
) => ({
  kv: env.CONFIG_KV,
  key: chainCacheKey(slug),
  memory: chainMemory,
  load: () => loadChain(env.DB, slug),
  hydrate: (stored: StoredChain) => openChain(stored, env),
  waitUntil,
  prefetched,
  by: env.UPSTREAM_KEY,
});

/** `prefetched`: KV's entry when the request read it already (null: KV has none). */
export function resolveChain(
  env: Env,
  slug: string,
  waitUntil: (p: Promise<unknown>) => void,
  prefetched?: ChainKvEntry | null,
) {
  return readThrough<StoredChain, ChainConfig>(chainParams(env, slug, waitUntil, prefetched));
}

/** Whether this isolate holds the chain (or knows it does not exist) within the bound: no KV read needed. */
export function chainHeld(env: Env, slug: string): boolean {
  return chainMemory.get(chainCacheKey(slug))?.by === env.UPSTREAM_KEY;
}

/** The chain a JSON-RPC request names: an error a client can act on when there is none, or it is not EVM. */
export async function resolveRpcChain(
  env: Env,
  slug: string,
  waitUntil: (p: Promise<unknown>) => void,
  prefetched?: ChainKvEntry | null,
): Promise<ChainConfig> {
  const chain = await resolveChain(env, slug, waitUntil, prefetched);
  const shown = slug.slice(0, 64);
  if (!chain) throw new ChainNotFoundError(`unknown chain "${shown}": check the chain name in the URL`);
  if (chain.kind !== "evm") {
    throw new ChainNotFoundError(
      `"${shown}" is an Avalanche P-Chain, read only by the validators job, not served over JSON-RPC: GET /v1/validators/${shown} for its validators`,
    );
  }
  return chain;
}

async function loadChain(d1: D1Database, slug: string): Promise<StoredChain | null> {
  const db = dbOf(d1);
  const chain = await db.select().from(chains).where(eq(chains.slug, slug)).get();
  if (!chain) return null;
  const rows = await db
    .select({
      id: upstreams.id,
      urlSealed: upstreams.urlSealed,
      capabilities: upstreams.capabilities,
      oldestBlock: upstreams.oldestBlock,
    })
    .from(upstreams)
    .where(and(eq(upstreams.chain, slug), eq(upstreams.enabled, true)))
    .orderBy(upstreams.createdAt);
  // Everything but the display name and creation time: the settings routing and caching read.
  const { name: _name, createdAt: _createdAt, ...stored } = chain;
  return { ...stored, upstreams: rows };
}

/**
 * Opens each upstream URL. One that does not open (a key missing from the ring, a value moved from
 * another row) is left out and logged by id; a chain none of whose upstreams open is an error.
 */
async function openChain({ upstreams, ...chain }: StoredChain, env: Env): Promise<ChainConfig> {
  const failures: { upstreamId: string; error: string }[] = [];
  const opened = await Promise.all(
    upstreams.map(async ({ id, urlSealed, capabilities, oldestBlock }) => {
      let url: string;
      try {
        url = await open(urlSealed, upstreamKeyRing(env), upstreamAad(id));
      } catch (err) {
        failures.push({ upstreamId: id, error: (err as Error).message });
        return undefined;
      }
      const { maxResponseBytes } = chain;
      return {
        id,
        url,
        secrets: secretsOf(url),
        capabilities,
        oldestBlock: oldestBlock ?? undefined,
        maxResponseBytes,
      };
    }),
  );
  if (failures.length > 0) {
    console.error(JSON.stringify({ event: "upstream_url_unopened", chain: chain.slug, failures }));
  }
  const usable = opened.filter((u) => u !== undefined);
  if (upstreams.length > 0 && usable.length === 0) {
    throw new InternalError(
      "the gateway cannot open this chain's upstream URLs (UPSTREAM_KEY lacks the key they are sealed with, or they were altered): an operator must fix it; try again later",
      { data: { chain: chain.slug } },
    );
  }
  return { ...chain, upstreams: usable };
}
