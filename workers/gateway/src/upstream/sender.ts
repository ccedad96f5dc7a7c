/**
 * @module
 * Sends the calls of one client request to upstreams. Calls bound for the same upstream in the same
 * turn go out as one JSON-RPC batch, and each upstream request feeds the tracker.
 */
import type { Upstream } from "../config/chains";
import { type RequestResult, recordHead, recordResult } from "../routing/tracker";
import { type CallOutcome, sendCalls, type UpstreamCall } from "./send";

export type SendCall = (upstream: Upstream, call: UpstreamCall, timeoutMs: number) => Promise<CallOutcome>;

interface Queue {
  calls: UpstreamCall[];
  resolvers: ((outcome: CallOutcome) => void)[];
  timeoutMs: number;
}

export function createSender(): SendCall {
  const queues = new Map<string, Queue>();
  return (upstream, call, timeoutMs) =>
    new Promise((resolve) => {
      let queue = queues.get(upstream.id);
      if (!queue) {
        const fresh: Queue = { calls: [], resolvers: [], timeoutMs };
        queues.set(upstream.id, fresh);
        queueMicrotask(() => {
          queues.delete(upstream.id);
          void flush(upstream, fresh);
        });
        queue = fresh;
      }
      queue.calls.push(call);
      queue.resolvers.push(resolve);
      queue.timeoutMs = Math.min(queue.timeoutMs, timeoutMs);
    });
}

async function flush(upstream: Upstream, { calls, resolvers, timeoutMs }: Queue): Promise<void> {
  const started = Date.now();
  const outcomes = await sendCalls({ upstream, calls, timeoutMs });
  const now = Date.now();
  recordResult(upstream.id, resultOf(outcomes), now, calls.length === 1 ? now - started : undefined);
  outcomes.forEach((outcome, i) => {
    if (outcome.ok && calls[i]?.method === "eth_blockNumber")
      recordHead(upstream.id, Number(JSON.parse(outcome.resultRaw)));
    resolvers[i]?.(outcome);
  });
}

/** A request failed when every call in it failed through the node's fault; a 429 marks it throttled. */
export function resultOf(outcomes: readonly CallOutcome[]): RequestResult {
  if (outcomes.some((o) => !o.ok && o.fault === "throttled")) return "throttled";
  return outcomes.every((o) => !o.ok && o.fault === "node") ? "failed" : "ok";
}
