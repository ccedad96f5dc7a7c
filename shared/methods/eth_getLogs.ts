/**
 * @module
 * eth_getLogs range control (rules in shared/logs/range.ts): before forwarding, a call over the
 * plan's block range is refused and one over what an upstream call may span is split into chunks
 * (each cached and routed on its own, so they spread over the upstreams); after, the chunks are
 * merged back in order, and an answer with more logs than the chain allows becomes an error. Each
 * chunk is charged as one call. eth_newFilter and trace_filter take the same range limits, whole.
 */
import { type CacheStatus, type CallResult, refused } from "../cache/callCache";
import { UpstreamUnavailableError } from "../errors/kinds";
import type { RpcCall } from "../jsonrpc/parse";
import { mergeLogs, planLogs, tooManyLogs } from "../logs/range";
import { chainFinalizedOf, rankContextOf } from "../routing/tracker";
import type { ForwardContext, MethodHooks } from "./hooks";

function planOf(call: RpcCall, { chain, key }: ForwardContext) {
  const blocks = { head: rankContextOf(chain).maxHead, finalized: chainFinalizedOf(chain) };
  return planLogs(call.params, blocks, {
    chunkBlocks: chain.logsBlockRange,
    maxBlocks: key.logsMaxBlockRange,
  });
}

export const eth_getLogs: MethodHooks = {
  units: (call, context) => {
    const plan = planOf(call, context);
    return plan.kind === "split" ? plan.filters.length : 1;
  },
  before(call, context) {
    const plan = planOf(call, context);
    if (plan.kind === "refuse") return { error: plan.error };
    if (plan.kind === "as_is") return { calls: [call] };
    return {
      calls: plan.filters.map((filter) => {
        const params = [filter];
        return { ...call, params, paramsRaw: JSON.stringify(params) };
      }),
    };
  },
  after: (parts, { chain }) => combine(parts, chain.logsMaxResults),
};

/**
 * eth_newFilter (whose range eth_getFilterLogs later reads) and trace_filter take the same range
 * rules, whole: a range over the plan's limit, or a block that does not read, is refused.
 */
export const rangeChecked: MethodHooks = {
  before(call, context) {
    const plan = planOf(call, context);
    return plan.kind === "refuse" ? { error: plan.error } : { calls: [call] };
  },
};

/** One answer from a call's chunks: the first failure, or the logs merged in order. */
function combine(parts: CallResult[], maxResults: number): CallResult {
  const failed = parts.find((r) => !r.outcome.ok);
  const first = parts[0] as CallResult;
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
