/**
 * @module
 * The cache stage of the request path: which calls the response cache answers (and in which tier),
 * and keeping what upstreams answered for as long as shared/cache/policy allows, judged by the
 * finalized block of the upstream that answered.
 */
import type { ChainConfig } from "../config/chains";
import type { Env } from "../config/env";
import type { GatewayError } from "../errors/base";
import type { ForwardedCall } from "../jsonrpc/forwarded";
import { type CallNeeds, callNeeds } from "../routing/callNeeds";
import { chainFinalizedOf, confirmedFinalizedOf, finalizedOf, healthOf } from "../routing/tracker";
import type { CallOutcome } from "../upstream/sendCalls";
import { cacheKeyOf } from "./key";
import { type CacheClass, cacheClassOf, keepForMs } from "./policy";
import { fromMemory, lookup, store } from "./tiers";

/** Per call: served from the cache, fetched and cacheable, or not cached (or the caller bypassed it). */
export type CacheStatus = "HIT" | "MISS" | "BYPASS";

/** What the caller asked of the cache: `Cache-Control: no-cache` skips reads, `no-store` writes too. */
export interface CacheMode {
  read: boolean;
  write: boolean;
}

export const ALL_CACHE: CacheMode = { read: true, write: true };

/** What a call sent on came to: from the cache, or from the upstreams. */
export interface CallResult {
  outcome: CallOutcome;
  /** The upstream whose answer this is. */
  upstreamId: string | undefined;
  /** Upstream requests made for it. */
  attempts: number;
  cache: CacheStatus;
}

/** A call the gateway refuses itself: the client's fault, no upstream asked. */
export function refused(error: GatewayError, attempts = 0): CallResult {
  const outcome = { ok: false, fault: "client", error: error.toJsonRpc() } as const;
  return { outcome, upstreamId: undefined, attempts, cache: "BYPASS" };
}

/** A call on its way through the cache: what it needs of an upstream, its cache class and key. */
export interface CachePlan {
  call: ForwardedCall;
  needs: CallNeeds;
  cacheClass: CacheClass;
  key: string;
}

export interface ReadCacheParameters extends CacheUse {
  calls: readonly ForwardedCall[];
}

export interface ReadCacheReturnType {
  /** The result of each call the cache answered, by index; undefined for a miss. */
  hits: (CallResult | undefined)[];
  /** The calls it did not answer, in order. */
  misses: CachePlan[];
}

/** Answers at once (no promise) when no call needs a tier past memory: most requests. */
export function readCache({
  env,
  chain,
  calls,
  mode,
  waitUntil,
}: ReadCacheParameters): ReadCacheReturnType | Promise<ReadCacheReturnType> {
  // A purge raises the chain's generation: every answer kept under the old one is never read again.
  const space = chain.cacheGeneration === 0 ? chain.slug : `${chain.slug}#${chain.cacheGeneration}`;
  const plans = calls.map((call) => planOf(space, call));
  const hits: (CallResult | undefined)[] = new Array(plans.length);
  // A chain the operator disabled answers nothing, not even from the cache.
  if (!mode.read || !chain.enabled) return { hits, misses: plans };
  const lookups: Promise<void>[] = [];
  let chainFinalized: number | undefined;
  plans.forEach((plan, i) => {
    if (plan.cacheClass === "none") return;
    const kept = fromMemory(plan.key);
    if (kept !== undefined) {
      hits[i] = hit(kept);
      return;
    }
    // Head answers live in memory only; a block above every upstream's finality cannot be kept.
    if (plan.cacheClass === "head") return;
    if (plan.cacheClass === "number") {
      chainFinalized ??= chainFinalizedOf(chain);
      if (chainFinalized === undefined || (plan.needs.block as number) > chainFinalized) return;
    }
    // KV (global) is skipped for lookups by hash: wallets poll receipts of new transactions.
    const global = plan.cacheClass !== "hash";
    lookups.push(
      lookup({ env, key: plan.key, global, waitUntil }).then((found) => {
        if (found !== undefined) hits[i] = hit(found);
      }),
    );
  });
  const answer = () => ({ hits, misses: plans.filter((_, i) => hits[i] === undefined) });
  return lookups.length > 0 ? Promise.all(lookups).then(answer) : answer();
}

function planOf(slug: string, call: ForwardedCall): CachePlan {
  const needs = callNeeds(call.method, call.params);
  const cacheClass = cacheClassOf(call.method, needs);
  // Calls never cached are only coalesced: their raw params make the key, without the canonical form's cost.
  const key =
    cacheClass === "none"
      ? `${slug}\n${call.method}\n${call.paramsRaw ?? "[]"}`
      : cacheKeyOf(slug, call.method, call.params);
  return { call, needs, cacheClass, key };
}

const hit = (resultRaw: string): CallResult => ({
  outcome: { ok: true, resultRaw },
  upstreamId: undefined,
  attempts: 0,
  cache: "HIT",
});

/** The cache status of a call an upstream answered: MISS when it could have been kept. */
export function missStatus(plan: CachePlan, mode: CacheMode): CacheStatus {
  return mode.read && plan.cacheClass !== "none" ? "MISS" : "BYPASS";
}

/** Every call's result: the cache's hits, with the routed results of the misses in their places. */
export function withRouted(
  hits: readonly (CallResult | undefined)[],
  routed: readonly CallResult[],
): CallResult[] {
  // Most requests: nothing came from the cache.
  if (routed.length === hits.length) return routed as CallResult[];
  let next = 0;
  // Array.from, not map: `hits` has holes where the cache missed.
  return Array.from(hits, (hit) => hit ?? (routed[next++] as CallResult));
}

export interface CacheUse {
  env: Env;
  chain: ChainConfig;
  mode: CacheMode;
  waitUntil: (p: Promise<unknown>) => void;
}

/** Keeps a successful answer for as long as the policy allows, if the upstream that gave it is checked. */
export function keepResult(
  { env, chain, mode, waitUntil }: CacheUse,
  plan: CachePlan,
  result: Pick<CallResult, "outcome" | "upstreamId">,
): void {
  const { outcome, upstreamId } = result;
  if (!outcome.ok || plan.cacheClass === "none" || !mode.write) return;
  const upstream = chain.upstreams.find((u) => u.id === upstreamId);
  if (!upstream || healthOf(upstream).chainIdOk !== true) return;
  const keepMs = keepForMs({
    cacheClass: plan.cacheClass,
    block: plan.needs.block,
    resultRaw: outcome.resultRaw,
    // Final by the answering node and, where the chain has more upstreams, by a second one: one node
    // lying about its head cannot make a block final in the tiers that keep it for 30 days.
    finalized: minOf(finalizedOf(upstream, chain.finalityDepth), confirmedFinalizedOf(chain)),
    blockTimeMs: chain.blockTimeMs,
  });
  if (keepMs !== undefined) store({ env, key: plan.key, resultRaw: outcome.resultRaw, keepMs, waitUntil });
}

function minOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : Math.min(a, b);
}
