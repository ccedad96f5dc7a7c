/**
 * @module
 * Retry and hedging rules, as small pure functions: which failures move a call to the next
 * upstream, when an empty answer may just be a node that is behind, and how long to wait before
 * hedging.
 */
import type { CallKind, CallNeeds } from "./callNeeds";

export type FailureFault = "node" | "throttled";

/** Whether a call of this kind moves on to the next upstream after this failure. */
export function retriesAfter(kind: CallKind, fault: FailureFault): boolean {
  // A filter lives on the node that made it; only a refusal to take the call at all is safe to redo.
  if (kind === "stateful") return fault === "throttled";
  return true;
}

/**
 * Calls whose time depends on what the client asked (a log range, a trace) more than on the node:
 * they give no latency sample, and they are not hedged (a second copy would double the heaviest
 * load, judged by the p90 of light calls).
 */
export function isHeavy(method: string): boolean {
  return method === "eth_getLogs" || method.startsWith("trace_") || method.startsWith("debug_");
}

/** Methods that run or scan what the client chose: code, a simulation, a log range. */
const CLIENT_COSTLY = new Set([
  "eth_call",
  "eth_estimateGas",
  "eth_createAccessList",
  "eth_simulateV1",
  "eth_getLogs",
]);

/**
 * Calls whose cost the client controls (the code it runs, the range it scans, what it traces):
 * when one times out, the time was the client's doing, so the timeout does not count against the
 * node's error rate or circuit. Names are canonical here: another spelling is refused at authorize.
 */
export function clientCostly(method: string): boolean {
  return CLIENT_COSTLY.has(method) || method.startsWith("trace_") || method.startsWith("debug_");
}

/** Only light reads are hedged: a second copy of a transaction or a filter call is not harmless. */
export function hedges(kind: CallKind, method: string): boolean {
  return kind === "read" && !isHeavy(method);
}

export function isEmptyResult(resultRaw: string): boolean {
  return resultRaw === "null" || resultRaw === "[]";
}

/** Methods whose `null` for a block the chain has means the node is missing it. */
const BLOCK_LOOKUPS = new Set([
  "eth_getBlockByNumber",
  "eth_getBlockReceipts",
  "eth_getBlockTransactionCountByNumber",
  "eth_getTransactionByBlockNumberAndIndex",
]);

/** Lookups by hash: a node that is behind has not seen the newest transactions and blocks. */
const HASH_LOOKUPS = new Set([
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
  "eth_getBlockByHash",
  "eth_getTransactionByBlockHashAndIndex",
]);

export interface EmptyMayBeStaleParameters {
  method: string;
  needs: CallNeeds;
  /** Head of the upstream that answered empty. */
  upstreamHead: number | undefined;
  /** Highest head any upstream of the chain reported. */
  maxHead: number | undefined;
}

/**
 * Whether an empty answer may come from a node that is behind, so another upstream should be
 * asked: it answered for a block (or the head, or a recent hash) it had not reached, or `null` for
 * a block the chain has.
 */
export function emptyMayBeStale({
  method,
  needs,
  upstreamHead,
  maxHead,
}: EmptyMayBeStaleParameters): boolean {
  if (maxHead === undefined) return false;
  const wanted = needs.headDependent || HASH_LOOKUPS.has(method) ? maxHead : needs.block;
  if (wanted !== undefined && upstreamHead !== undefined && upstreamHead < Math.min(wanted, maxHead))
    return true;
  return BLOCK_LOOKUPS.has(method) && needs.block !== undefined && needs.block <= maxHead;
}

export const HEDGE_MIN_MS = 50;
export const HEDGE_MAX_MS = 2_000;
/** Before an upstream has answered anything. */
export const HEDGE_UNKNOWN_MS = 500;

/** How long to wait for an upstream before asking the next one too: its recent p90, clamped. */
export function hedgeDelayMs(p90Ms: number | undefined): number {
  if (p90Ms === undefined) return HEDGE_UNKNOWN_MS;
  return Math.min(HEDGE_MAX_MS, Math.max(HEDGE_MIN_MS, Math.ceil(p90Ms * 1.5)));
}
