/**
 * @module
 * Sends the calls of one client request to upstreams. Calls bound for the same upstream in the same
 * turn go out as one JSON-RPC batch, and each upstream request feeds the tracker.
 */

import type { Upstream } from "../config/chains";
import type { Caller } from "../routing/confirmation";
import { clientCostly, isHeavy } from "../routing/policy";
import { type RequestResult, recordResult } from "../routing/tracker";
import { type CallOutcome, sendCalls, type UpstreamCall } from "./sendCalls";

export type SendCall = (upstream: Upstream, call: UpstreamCall, timeoutMs: number) => Promise<CallOutcome>;

interface Queue {
  upstream: Upstream;
  calls: UpstreamCall[];
  timeoutMs: number;
  /** Every call's outcome, once the batch is answered. */
  sent: Promise<CallOutcome[]>;
}

/** A sender for the calls of `by` (a tenant, or the gateway's own), whose results feed the tracker as theirs. */
export function createSender(by: Caller): SendCall {
  const queues = new Map<string, Queue>();
  return (upstream, call, timeoutMs) => {
    let queue = queues.get(upstream.id);
    if (!queue) {
      // Calls made in this same turn join the batch; it leaves on the next microtask.
      const sent: Promise<CallOutcome[]> = Promise.resolve().then(() => {
        queues.delete(upstream.id);
        return flush(fresh, by);
      });
      const fresh: Queue = { upstream, calls: [], timeoutMs, sent };
      queues.set(upstream.id, fresh);
      queue = fresh;
    }
    const index = queue.calls.push(call) - 1;
    queue.timeoutMs = Math.min(queue.timeoutMs, timeoutMs);
    return queue.sent.then((outcomes) => outcomes[index] as CallOutcome);
  };
}

async function flush({ upstream, calls, timeoutMs }: Queue, by: Caller): Promise<CallOutcome[]> {
  const started = Date.now();
  // Clients' calls are held to the chain's cap; probes and the stream's own calls are not.
  const outcomes = await sendCalls({ upstream, calls, timeoutMs, maxBytes: upstream.maxResponseBytes });
  const now = Date.now();
  const timedOut = outcomes.every((o) => !o.ok && o.fault === "node" && o.error.code === "upstream_timeout");
  // A timeout of a call whose cost the client controls (eth_call, eth_getLogs, a trace...) is the
  // client's doing, not the node's: it counts neither as a failure nor as a success
  // (shared/routing/policy.ts, clientCostly).
  if (timedOut && calls.some((c) => clientCostly(c.method))) return outcomes;
  // A heavy call's time is the client's range or trace: no latency sample.
  const heavy = calls.some((c) => isHeavy(c.method));
  const latencyMs = calls.length === 1 && !heavy ? now - started : undefined;
  recordResult(upstream, resultOf(outcomes), by, now, latencyMs);
  return outcomes;
}

/** A request failed when every call in it failed through the node's fault; a 429 marks it throttled. */
export function resultOf(outcomes: readonly CallOutcome[]): RequestResult {
  if (outcomes.some((o) => !o.ok && o.fault === "throttled")) return "throttled";
  return outcomes.every((o) => !o.ok && o.fault === "node") ? "failed" : "ok";
}
