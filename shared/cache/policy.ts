/**
 * @module
 * Which answers may be cached, and for how long, from the call and from the answer. Nothing that a
 * reorg can change is kept past finality: a block named by number is kept only once it is at or
 * below the finalized block of the upstream that answered, and a lookup by hash only once the block
 * in its answer is. Block tags (`latest`, `safe`, `finalized`, `pending`) never make a cache key.
 * Pure.
 */
import type { CallNeeds } from "../routing/callNeeds";

/**
 * forever: the same on every node, always (the chain id). head: changes with every block; kept for
 * half a block time. number: names its block by number. hash: names a block or transaction by hash;
 * the answer says which block. none: never cached.
 */
export type CacheClass = "forever" | "head" | "number" | "hash" | "none";

const FOREVER = new Set(["eth_chainId", "net_version"]);
const HEAD = new Set(["eth_blockNumber", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_blobBaseFee"]);
/** Lookups by hash whose answer carries its block number (`number` or `blockNumber`). */
const BY_HASH = new Set([
  "eth_getBlockByHash",
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
  "eth_getTransactionByBlockHashAndIndex",
]);

export function cacheClassOf(method: string, needs: CallNeeds): CacheClass {
  if (FOREVER.has(method)) return "forever";
  if (HEAD.has(method)) return "head";
  if (BY_HASH.has(method)) return "hash";
  // A read that names its blocks by number and no tag (shared/routing/callNeeds knows which params
  // are blocks): the key pins the answer, which never changes once the block is final.
  if (needs.kind === "read" && needs.block !== undefined && !needs.headDependent) return "number";
  return "none";
}

export interface KeepForParameters {
  cacheClass: CacheClass;
  /** The highest block the call names (CallNeeds.block). */
  block: number | undefined;
  resultRaw: string;
  /** The finalized block of the upstream that answered, when known. */
  finalized: number | undefined;
  blockTimeMs: number;
}

/** How long an answer may be kept: `Infinity` when it can never change, undefined when not at all. */
export function keepForMs({
  cacheClass,
  block,
  resultRaw,
  finalized,
  blockTimeMs,
}: KeepForParameters): number | undefined {
  // A null for a block or transaction is never kept: the chain may have it, or have it soon.
  if (resultRaw === "null" || cacheClass === "none") return undefined;
  if (cacheClass === "forever") return Number.POSITIVE_INFINITY;
  if (cacheClass === "head") return Math.max(1, Math.floor(blockTimeMs / 2));
  if (finalized === undefined) return undefined;
  // An empty list is kept only for a final range, answered by a node that had it as final.
  const at = cacheClass === "number" ? block : blockOfAnswer(resultRaw);
  return at !== undefined && at <= finalized ? Number.POSITIVE_INFINITY : undefined;
}

/** The block number an answer to a lookup by hash belongs to; undefined when it does not say. */
export function blockOfAnswer(resultRaw: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(resultRaw);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { number, blockNumber } = value as { number?: unknown; blockNumber?: unknown };
  const raw = blockNumber ?? number;
  return typeof raw === "string" && /^0x[0-9a-f]{1,16}$/i.test(raw) ? Number(raw) : undefined;
}
