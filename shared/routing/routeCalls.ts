/**
 * @module
 * The route stage of the request path: the calls the cache did not answer, each forwarded through
 * the chain's upstreams (forward.ts) within the request's deadline. Calls made together share one
 * sender, so those bound for the same upstream go as one batch. Identical reads in flight in this
 * isolate share one upstream call; the request that makes it hands the answer to `keep` (the
 * cache's) before the others get it, so a read arriving just after finds it kept.
 */
import { type CacheMode, type CachePlan, type CallResult, missStatus } from "../cache/callCache";
import { coalesce } from "../cache/coalesce";
import type { ChainConfig } from "../config/chains";
import { createSender } from "../upstream/batchSender";
import type { Caller } from "./confirmation";
import { type ForwardCallReturnType, forwardCall } from "./forward";

export interface RouteCallsParameters {
  chain: ChainConfig;
  /** The tenant whose request this is: its failures are recorded as its own (./confirmation.ts). */
  caller: Caller;
  plans: readonly CachePlan[];
  /** Date.now() after which no attempt starts and none may still run. */
  deadline: number;
  /** Longest a single attempt may take. */
  attemptTimeoutMs: number;
  mode: CacheMode;
  /** Keeps an upstream's answer (once per upstream call, however many requests share it). */
  keep: (plan: CachePlan, result: ForwardCallReturnType) => void;
  waitUntil: (p: Promise<unknown>) => void;
}

export function routeCalls(p: RouteCallsParameters): Promise<CallResult[]> {
  const { chain, caller, plans, deadline, attemptTimeoutMs, mode, keep, waitUntil } = p;
  const send = createSender(caller);
  const route = (plan: CachePlan): Promise<CallResult> => {
    const forward = () =>
      forwardCall({
        call: plan.call,
        caller,
        needs: plan.needs,
        chain,
        send,
        deadline,
        attemptTimeoutMs,
        waitUntil,
        // Only a call sent on its own: a batch's items travel and fail over together.
        hedgeable: plans.length === 1,
      }).then((result) => {
        keep(plan, result);
        return result;
      });
    // Only reads are shared: two identical transactions or filter calls are two calls.
    const result =
      mode.read && plan.needs.kind === "read"
        ? coalesce(plan.key, forward, waitUntil, deadline - Date.now())
        : forward();
    const cache = missStatus(plan, mode);
    return result.then((r) => ({ ...r, cache }));
  };
  // Most requests make one call: no Promise.all around it.
  const [only] = plans;
  return plans.length === 1 && only ? route(only).then((r) => [r]) : Promise.all(plans.map(route));
}
