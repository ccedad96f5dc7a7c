/**
 * @module
 * Runs the methods' hooks (table: shared/methods/index.ts) for the calls of one request: those the
 * gateway answers itself, the calls sent in place of each forwarded call, and each forwarded call's
 * one result from the results of those.
 */
import { type CallResult, refused } from "../cache/callCache";
import type { ForwardedCall } from "../jsonrpc/forwarded";
import type { RpcCall } from "../jsonrpc/parse";
import type { ForwardContext, HereAnswer, HereContext } from "../methods/hooks";
import { hooksOf } from "../methods/index";

/** The request's calls by item index; undefined where an item is refused. */
export type Calls = readonly (RpcCall | undefined)[];

/** The answers of calls whose method the gateway answers itself, by item index; at once when there are none. */
export function answerHere(
  calls: Calls,
  context: HereContext,
): Map<number, HereAnswer> | Promise<Map<number, HereAnswer>> {
  const answers = new Map<number, HereAnswer>();
  const pending: Promise<void>[] = [];
  calls.forEach((call, i) => {
    const answer = call && hooksOf(call.method)?.answer;
    if (answer) pending.push(answer(call, context).then((a) => void answers.set(i, a)));
  });
  // Most requests have none: nothing to wait on.
  return pending.length === 0 ? answers : Promise.all(pending).then(() => answers);
}

/** How many upstream calls a call makes, for its cost (eth_getLogs' chunks); 1 for most. */
export function unitsOf(call: RpcCall, context: ForwardContext): number {
  return hooksOf(call.method)?.units?.(call, context) ?? 1;
}

/** The indexes of calls to forward: every call the gateway does not answer itself. */
export function forwardedOf(calls: Calls): number[] {
  return calls.flatMap((call, i) => (call && !hooksOf(call.method)?.answer ? [i] : []));
}

export interface Forwarding {
  /** The calls to send, in order; a forwarded call's parts stand together. */
  parts: ForwardedCall[];
  /** Per forwarded call: where its parts are, or the result it was refused with. */
  slots: { index: number; call: RpcCall; start: number; count: number; refusal?: CallResult }[];
}

/** Runs `before` hooks: the calls to send in place of each forwarded call. */
export function planForwarding(
  calls: Calls,
  forwarded: readonly number[],
  context: ForwardContext,
): Forwarding {
  const parts: ForwardedCall[] = [];
  const slots: Forwarding["slots"] = [];
  for (const index of forwarded) {
    const call = calls[index] as RpcCall;
    const plan = hooksOf(call.method)?.before?.(call, context) ?? { calls: [call] };
    if ("error" in plan) {
      slots.push({ index, call, start: parts.length, count: 0, refusal: refused(plan.error) });
      continue;
    }
    slots.push({ index, call, start: parts.length, count: plan.calls.length });
    parts.push(...plan.calls);
  }
  return { parts, slots };
}

/**
 * Runs `after` hooks (some ask the tenant's meter: a new filter): each forwarded call's result, by
 * item index; at once when no hook has to wait.
 */
export function combineResults(
  { slots }: Forwarding,
  partResults: readonly CallResult[],
  context: ForwardContext,
): Map<number, CallResult> | Promise<Map<number, CallResult>> {
  const results = new Map<number, CallResult>();
  const pending: Promise<void>[] = [];
  for (const { index, call, start, count, refusal } of slots) {
    const parts = partResults.slice(start, start + count);
    const after = hooksOf(call.method)?.after;
    const result = refusal ?? (after ? after(parts, context, call) : (parts[0] as CallResult));
    if (result instanceof Promise) pending.push(result.then((r) => void results.set(index, r)));
    else results.set(index, result);
  }
  return pending.length > 0 ? Promise.all(pending).then(() => results) : results;
}
