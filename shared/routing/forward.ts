/**
 * @module
 * Forwards one call through the chain's upstreams, best first: fails over on retryable failures,
 * hedges slow reads, never lets a quick empty answer beat real data, and keeps every attempt inside
 * the chain's time budget. Rules come from shared/routing; this file only runs them.
 */

import type { ChainConfig, Upstream } from "../config/chains";
import type { GatewayError } from "../errors/base";
import {
  NoUpstreamError,
  toGatewayError,
  UnsupportedByUpstreamsError,
  UpstreamUnavailableError,
} from "../errors/kinds";
import type { RpcCall } from "../jsonrpc/parse";
import { outcomeHook } from "../methods";
import type { SendCall } from "../upstream/batchSender";
import type { CallOutcome } from "../upstream/sendCalls";
import type { CallNeeds } from "./callNeeds";
import { emptyMayBeStale, hedgeDelayMs, hedges, isEmptyResult, retriesAfter } from "./policy";
import { type Exclusion, rankUpstreams } from "./score";
import { healthOf, metricsOf, nextTurn, rankContextOf } from "./tracker";

export interface ForwardCallParameters {
  call: RpcCall;
  /** callNeeds of the call. */
  needs: CallNeeds;
  chain: ChainConfig;
  send: SendCall;
  /** Date.now() after which no attempt starts and none may still run. */
  deadline: number;
  /** Longest a single attempt may take. */
  attemptTimeoutMs: number;
  /** Keeps attempts still running when the call is answered, so their latency is recorded. */
  waitUntil: (p: Promise<unknown>) => void;
  /**
   * Whether a slow read may be hedged. Only a call sent on its own: items of a batch travel
   * together and fail over together, and a batch's time says nothing about one call's p90.
   */
  hedgeable: boolean;
}

export interface ForwardCallReturnType {
  outcome: CallOutcome;
  /** The upstream whose answer this is. */
  upstreamId: string | undefined;
  attempts: number;
}

type Ranked = ReturnType<typeof metricsOf>;

/** No retry or hedge starts with less of the budget left than this. */
const MIN_ATTEMPT_MS = 100;

export function forwardCall({
  call,
  needs,
  chain,
  send,
  deadline,
  attemptTimeoutMs,
  waitUntil,
  hedgeable,
}: ForwardCallParameters): Promise<ForwardCallReturnType> {
  const now = Date.now();
  const context = rankContextOf(chain, now);
  const { ranked, excluded } = rankUpstreams(
    chain.upstreams.map((u) => metricsOf(u, now)),
    needs,
    context,
    // A filter lives on one node: no taking turns, so its calls keep going to the same one.
    needs.kind === "stateful" ? 0 : nextTurn(chain.slug),
  );
  if (!chain.enabled || ranked.length === 0) {
    const error = noCandidate(
      chain,
      call.method,
      needs,
      excluded.map((e) => e.reason),
    );
    return Promise.resolve({
      outcome: { ok: false, fault: "node", error },
      upstreamId: undefined,
      attempts: 0,
    });
  }
  const hook = outcomeHook(call.method);
  const hedge = hedgeable && hedges(needs.kind, call.method);

  return new Promise((resolve) => {
    let next = 0;
    let attempts = 0;
    let done = false;
    /** An empty answer kept while others may still bring data; `final` once no one else is asked. */
    let empty: { outcome: CallOutcome; upstreamId: string; final: boolean } | undefined;
    let failure: { outcome: CallOutcome; upstreamId: string } | undefined;
    let hedgeTimer: ReturnType<typeof setTimeout> | undefined;
    /** Attempts not answered yet. */
    const running = new Set<Promise<unknown>>();

    const finish = (outcome: CallOutcome, upstreamId: string | undefined) => {
      if (done) return;
      done = true;
      if (hedgeTimer !== undefined) clearTimeout(hedgeTimer);
      for (const attempt of running) waitUntil(attempt);
      resolve({ outcome, upstreamId, attempts });
    };

    const giveUp = () => {
      if (empty) return finish(empty.outcome, empty.upstreamId);
      const error =
        attempts === 0
          ? new NoUpstreamError(
              `chain ${chain.slug} is unavailable: no upstream was free to take ${call.method} in time; try again shortly`,
            )
          : new UpstreamUnavailableError(
              `chain ${chain.slug} is unavailable: ${attempts} ${attempts === 1 ? "attempt" : "attempts"} on its upstreams failed; try again shortly`,
              { cause: failure && !failure.outcome.ok ? failure.outcome.error : undefined },
            );
      finish({ ok: false, fault: "node", error }, failure?.upstreamId);
    };

    const launch = (): boolean => {
      while (next < ranked.length && !empty?.final) {
        const candidate = ranked[next++] as Ranked;
        const remaining = deadline - Date.now();
        // Too little time left for a fair retry: a timeout then would blame a healthy upstream.
        if (remaining < (attempts === 0 ? 1 : MIN_ATTEMPT_MS)) return false;
        if (!healthOf(candidate.upstream).circuit.admit(Date.now())) continue;
        attempt(candidate, Math.min(attemptTimeoutMs, remaining), attempts++);
        if (hedgeTimer !== undefined) clearTimeout(hedgeTimer);
        hedgeTimer = undefined;
        if (hedge && next < ranked.length) {
          const delay = Math.min(hedgeDelayMs(candidate.latencyP90Ms), remaining);
          hedgeTimer = setTimeout(() => {
            if (done) return;
            // Not answering within the delay is already a sample: at least this slow.
            healthOf(candidate.upstream).latency.record(delay);
            launch();
          }, delay);
        }
        return true;
      }
      return false;
    };

    const attempt = (candidate: Ranked, timeoutMs: number, earlierAttempts: number) => {
      const { upstream } = candidate;
      const task: Promise<void> = send(upstream, call, timeoutMs)
        .then((outcome) =>
          hook
            ? hook(call, outcome, {
                chain,
                upstream,
                earlierAttempts,
                send,
                timeoutMs: Math.min(attemptTimeoutMs, deadline - Date.now()),
              })
            : outcome,
        )
        .then(
          (outcome) => settle(task, upstream, outcome),
          (err) => settle(task, upstream, { ok: false, fault: "node", error: toGatewayError(err) }),
        );
      running.add(task);
    };

    const settle = (task: Promise<unknown>, upstream: Upstream, outcome: CallOutcome) => {
      running.delete(task);
      if (done) return;
      if (outcome.ok && !isEmptyResult(outcome.resultRaw)) return finish(outcome, upstream.id);
      if (!outcome.ok && outcome.fault === "client") return finish(outcome, upstream.id);
      if (outcome.ok) {
        const stale = emptyMayBeStale({
          method: call.method,
          needs,
          upstreamHead: healthOf(upstream).head,
          maxHead: context.maxHead,
        });
        if (!empty || !stale) empty = { outcome, upstreamId: upstream.id, final: !stale };
      } else {
        failure = { outcome, upstreamId: upstream.id };
        if (!retriesAfter(needs.kind, outcome.fault)) {
          return running.size === 0 ? finish(outcome, upstream.id) : undefined;
        }
      }
      if (running.size > 0 && empty?.final) return;
      if (!launch() && running.size === 0) giveUp();
    };

    if (!launch()) giveUp();
  });
}

/** Why no upstream could take the call: it can never be served here, or none is healthy now. */
function noCandidate(
  chain: ChainConfig,
  method: string,
  needs: CallNeeds,
  reasons: Exclusion[],
): GatewayError {
  if (!chain.enabled) {
    return new NoUpstreamError(`chain ${chain.slug} is disabled by the operator; try again later`);
  }
  if (chain.upstreams.length > 0 && reasons.every((r) => r === "capability")) {
    const what = needs.capability
      ? `the ${needs.capability} capability`
      : `block ${needs.lowestBlock ?? needs.block} (older than any upstream keeps)`;
    return new UnsupportedByUpstreamsError(
      `no upstream of chain ${chain.slug} can serve ${method}: it needs ${what}`,
    );
  }
  const counts = new Map<Exclusion, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const why = [...counts].map(([r, n]) => `${n} ${r.replace("_", " ")}`).join(", ");
  return new NoUpstreamError(
    `chain ${chain.slug} is unavailable: no upstream can take ${method} right now${why ? ` (${why})` : ""}; try again shortly`,
  );
}
