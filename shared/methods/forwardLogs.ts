/**
 * @module
 * eth_getLogs range control around forwardCached: a call over the plan's block range is refused, one
 * over what an upstream call may span is split into chunks that go out together (each through the
 * cache, each routed on its own, so they spread over the upstreams) and are merged back in order, and
 * an answer with more logs than the chain allows becomes an error. Other calls pass through.
 */

import {
  type CacheStatus,
  type ForwardCachedParameters,
  type ForwardCachedReturnType,
  forwardCached,
} from "../cache/forwardCached";
import type { GatewayError } from "../errors/base";
import { UpstreamUnavailableError } from "../errors/kinds";
import type { RpcCall } from "../jsonrpc/parse";
import { mergeLogs, planLogs, tooManyLogs } from "../logs/range";
import { chainFinalizedOf, rankContextOf } from "../routing/tracker";

export interface ForwardLogsParameters extends ForwardCachedParameters {
  /** The plan's widest eth_getLogs range per call. */
  logsMaxBlockRange: number;
}

/** Where a client call's answer is in the forwarded calls, or why it was refused. */
interface Slot {
  start: number;
  count: number;
  logs: boolean;
  refusal?: GatewayError;
}

export async function forwardLogs(p: ForwardLogsParameters): Promise<ForwardCachedReturnType[]> {
  const { calls, chain } = p;
  if (!calls.some((c) => c.method === "eth_getLogs")) return forwardCached(p);
  const blocks = { head: rankContextOf(chain).maxHead, finalized: chainFinalizedOf(chain) };
  const limits = { chunkBlocks: chain.logsBlockRange, maxBlocks: p.logsMaxBlockRange };
  const slots: Slot[] = [];
  const forwarded: RpcCall[] = [];
  for (const call of calls) {
    const logs = call.method === "eth_getLogs";
    const plan = logs ? planLogs(call.params, blocks, limits) : { kind: "as_is" as const };
    if (plan.kind === "refuse") {
      slots.push({ start: forwarded.length, count: 0, logs, refusal: plan.error });
    } else if (plan.kind === "split") {
      slots.push({ start: forwarded.length, count: plan.filters.length, logs });
      for (const filter of plan.filters) {
        const params = [filter];
        forwarded.push({ ...call, params, paramsRaw: JSON.stringify(params) });
      }
    } else {
      slots.push({ start: forwarded.length, count: 1, logs });
      forwarded.push(call);
    }
  }
  const results = await forwardCached({ ...p, calls: forwarded });
  return slots.map((slot) => {
    if (slot.refusal) return refused(slot.refusal);
    const parts = results.slice(slot.start, slot.start + slot.count);
    return slot.logs ? combine(parts, chain.logsMaxResults) : (parts[0] as ForwardCachedReturnType);
  });
}

/** One answer from a call's chunks: the first failure, or the logs merged in order. */
function combine(parts: ForwardCachedReturnType[], maxResults: number): ForwardCachedReturnType {
  const failed = parts.find((r) => !r.outcome.ok);
  const first = parts[0] as ForwardCachedReturnType;
  const attempts = parts.reduce((sum, r) => sum + r.attempts, 0);
  const upstreamId = parts.find((r) => r.upstreamId !== undefined)?.upstreamId;
  const cache: CacheStatus = parts.every((r) => r.cache === "HIT")
    ? "HIT"
    : parts.some((r) => r.cache === "MISS")
      ? "MISS"
      : first.cache;
  if (failed) return { ...failed, attempts, cache };
  const merged = mergeLogs(parts.map((r) => (r.outcome.ok ? r.outcome.resultRaw : "")));
  // Not a list: a single answer passes on as the node gave it; chunks cannot be merged.
  if (!merged) {
    if (parts.length === 1) return first;
    const error = new UpstreamUnavailableError(
      "an upstream answered eth_getLogs with something other than a list",
    );
    return { outcome: { ok: false, fault: "node", error }, upstreamId, attempts, cache };
  }
  if (merged.count > maxResults)
    return { ...refused(tooManyLogs(merged.count, maxResults), attempts), cache };
  return { outcome: { ok: true, resultRaw: merged.resultRaw }, upstreamId, attempts, cache };
}

function refused(error: GatewayError, attempts = 0): ForwardCachedReturnType {
  return {
    outcome: { ok: false, fault: "client", error: error.toJsonRpc() },
    upstreamId: undefined,
    attempts,
    cache: "BYPASS",
  };
}
