/**
 * @module
 * The response cache and coalescing around forwardCall, for the calls of one request that go to
 * upstreams. Kept answers are served without an upstream call; identical reads in flight in this
 * isolate share one; what upstreams answer is kept as long as shared/cache/policy allows, judged by
 * the finalized block of the upstream that answered.
 */

import type { ChainConfig } from "../config/chains";
import type { Env } from "../config/env";
import type { RpcCall } from "../jsonrpc/parse";
import { type CallNeeds, callNeeds } from "../routing/callNeeds";
import { type ForwardCallParameters, type ForwardCallReturnType, forwardCall } from "../routing/forward";
import { chainFinalizedOf, finalizedOf, healthOf } from "../routing/tracker";
import { coalesce } from "./coalesce";
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

export interface ForwardCachedParameters extends Omit<ForwardCallParameters, "call" | "needs" | "hedgeable"> {
  env: Env;
  calls: readonly RpcCall[];
  cacheMode: CacheMode;
}

export interface ForwardCachedReturnType extends ForwardCallReturnType {
  cache: CacheStatus;
}

interface Plan {
  call: RpcCall;
  needs: CallNeeds;
  cacheClass: CacheClass;
  key: string;
}

export async function forwardCached(p: ForwardCachedParameters): Promise<ForwardCachedReturnType[]> {
  const { env, calls, chain, cacheMode, waitUntil } = p;
  const plans = calls.map((call): Plan => {
    const needs = callNeeds(call.method, call.params);
    const cacheClass = cacheClassOf(call.method, needs);
    // Calls never cached are only coalesced: their raw params make the key, without the canonical form's cost.
    const key =
      cacheClass === "none"
        ? `${chain.slug}\n${call.method}\n${call.paramsRaw ?? "[]"}`
        : cacheKeyOf(chain.slug, call.method, call.params);
    return { call, needs, cacheClass, key };
  });
  const results: (ForwardCachedReturnType | undefined)[] = new Array(plans.length);
  const hit = (resultRaw: string): ForwardCachedReturnType => ({
    outcome: { ok: true, resultRaw },
    upstreamId: undefined,
    attempts: 0,
    cache: "HIT",
  });

  // A chain the operator disabled answers nothing, not even from the cache.
  if (cacheMode.read && chain.enabled) {
    const lookups: Promise<void>[] = [];
    let chainFinalized: number | undefined;
    plans.forEach((plan, i) => {
      if (plan.cacheClass === "none") return;
      const kept = fromMemory(plan.key);
      if (kept !== undefined) {
        results[i] = hit(kept);
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
          if (found !== undefined) results[i] = hit(found);
        }),
      );
    });
    if (lookups.length > 0) await Promise.all(lookups);
  }

  const misses = plans.flatMap((_, i) => (results[i] ? [] : [i]));
  const fetched = await Promise.all(
    misses.map((i) => {
      const plan = plans[i] as Plan;
      const forward = () =>
        forwardCall({ ...p, call: plan.call, needs: plan.needs, hedgeable: misses.length === 1 }).then(
          (result) => {
            if (plan.cacheClass !== "none" && cacheMode.write) keep(env, chain, plan, result, waitUntil);
            return result;
          },
        );
      // Only reads are shared: two identical transactions or filter calls are two calls.
      return cacheMode.read && plan.needs.kind === "read"
        ? coalesce(plan.key, forward, waitUntil)
        : forward();
    }),
  );
  misses.forEach((i, j) => {
    const plan = plans[i] as Plan;
    const result = fetched[j] as ForwardCallReturnType;
    const cacheable = cacheMode.read && plan.cacheClass !== "none";
    results[i] = { ...result, cache: cacheable ? "MISS" : "BYPASS" };
  });
  return results as ForwardCachedReturnType[];
}

/** Keeps a successful answer for as long as the policy allows, if the upstream that gave it is checked. */
function keep(
  env: Env,
  chain: ChainConfig,
  plan: Plan,
  { outcome, upstreamId }: ForwardCallReturnType,
  waitUntil: (p: Promise<unknown>) => void,
): void {
  if (!outcome.ok) return;
  const upstream = chain.upstreams.find((u) => u.id === upstreamId);
  if (!upstream || healthOf(upstream).chainIdOk !== true) return;
  const keepMs = keepForMs({
    cacheClass: plan.cacheClass,
    block: plan.needs.block,
    resultRaw: outcome.resultRaw,
    finalized: finalizedOf(upstream, chain.finalityDepth),
    blockTimeMs: chain.blockTimeMs,
  });
  if (keepMs !== undefined) store({ env, key: plan.key, resultRaw: outcome.resultRaw, keepMs, waitUntil });
}
