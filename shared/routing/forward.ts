/**
 * @module
 * Forwards one call through the chain's upstreams, best first: fails over on retryable failures,
 * hedges slow reads, never lets a quick empty answer beat real data, and keeps every attempt inside
 * the chain's time budget. The decisions come from `step` (./failover.ts); this file does the I/O.
 */

import type { ChainConfig, Upstream } from "../config/chains";
import type { GatewayError } from "../errors/base";
import {
  NoUpstreamError,
  toGatewayError,
  UnsupportedByUpstreamsError,
  UpstreamUnavailableError,
} from "../errors/kinds";
import type { ForwardedCall } from "../jsonrpc/forwarded";
import { outcomeHook } from "../methods";
import type { OutcomeHook } from "../methods/hooks";
import type { SendCall } from "../upstream/batchSender";
import type { CallOutcome } from "../upstream/sendCalls";
import type { CallNeeds } from "./callNeeds";
import type { Caller } from "./confirmation";
import {
  type FailoverAction,
  type FailoverEvent,
  type FailoverInput,
  initialFailoverState,
  step,
} from "./failover";
import { emptyMayBeStale, hedges, isEmptyResult } from "./policy";
import { type Exclusion, rankUpstreams } from "./score";
import { healthOf, metricsOf, nextTurn, rankContextOf } from "./tracker";

export interface ForwardCallParameters {
  /** With `upstreamId`, it goes to that upstream only (a filter lives on the node that made it). */
  call: ForwardedCall;
  /** Whose call it is: upstreams are ranked as this caller sees them (./confirmation.ts). */
  caller: Caller;
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

export function forwardCall(p: ForwardCallParameters): Promise<ForwardCallReturnType> {
  const { call, needs, chain } = p;
  const now = Date.now();
  const context = rankContextOf(chain, now);
  const pinned = call.upstreamId;
  const candidates = pinned ? chain.upstreams.filter((u) => u.id === pinned) : chain.upstreams;
  const { ranked, excluded } = rankUpstreams(
    candidates.map((u) => metricsOf(u, now, p.caller)),
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
  return new Promise((resolve) => new Attempts(p, ranked, context.maxHead, resolve).start());
}

/** One call's attempts: does what `step` decides, and tells it what happened. */
class Attempts {
  readonly #p: ForwardCallParameters;
  readonly #ranked: readonly Ranked[];
  readonly #maxHead: number | undefined;
  readonly #resolve: (result: ForwardCallReturnType) => void;
  readonly #input: FailoverInput;
  readonly #hook: OutcomeHook | undefined;
  #state = initialFailoverState();
  #hedgeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Attempts not answered yet. */
  readonly #running = new Set<Promise<unknown>>();

  constructor(
    p: ForwardCallParameters,
    ranked: readonly Ranked[],
    maxHead: number | undefined,
    resolve: (result: ForwardCallReturnType) => void,
  ) {
    this.#p = p;
    this.#ranked = ranked;
    this.#maxHead = maxHead;
    this.#resolve = resolve;
    this.#hook = outcomeHook(p.call.method);
    this.#input = {
      candidates: ranked.map((r) => ({ id: r.id, latencyP90Ms: r.latencyP90Ms })),
      kind: p.needs.kind,
      hedge: p.hedgeable && hedges(p.needs.kind, p.call.method),
      attemptTimeoutMs: p.attemptTimeoutMs,
    };
  }

  start(): void {
    this.#dispatch({ type: "start", remainingMs: this.#remaining() });
  }

  #remaining(): number {
    return this.#p.deadline - Date.now();
  }

  #upstream(index: number): Upstream {
    return (this.#ranked[index] as Ranked).upstream;
  }

  #dispatch(event: FailoverEvent): void {
    const { state, actions } = step(this.#state, event, this.#input);
    this.#state = state;
    for (const action of actions) this.#perform(action);
  }

  #perform(action: FailoverAction): void {
    switch (action.type) {
      case "admit": {
        const remainingMs = this.#remaining();
        const admitted = healthOf(this.#upstream(action.index)).circuit.admit(Date.now());
        this.#dispatch({ type: "admission", index: action.index, admitted, remainingMs });
        break;
      }
      case "attempt":
        this.#attempt(action.index, action.timeoutMs, action.earlierAttempts);
        break;
      case "arm_hedge":
        this.#clearHedge();
        this.#hedgeTimer = setTimeout(
          () => this.#dispatch({ type: "hedge_timer", remainingMs: this.#remaining() }),
          action.delayMs,
        );
        break;
      case "clear_hedge":
        this.#clearHedge();
        break;
      case "record_latency":
        healthOf(this.#upstream(action.index)).latency.record(action.ms);
        break;
      case "finish":
        this.#end(action.outcome, action.upstreamId, action.attempts);
        break;
      case "give_up": {
        const error = giveUpError(this.#p.chain.slug, this.#p.call.method, action);
        this.#end({ ok: false, fault: "node", error }, action.upstreamId, action.attempts);
        break;
      }
    }
  }

  #clearHedge(): void {
    if (this.#hedgeTimer !== undefined) clearTimeout(this.#hedgeTimer);
    this.#hedgeTimer = undefined;
  }

  #attempt(index: number, timeoutMs: number, earlierAttempts: number): void {
    const { call, chain, send, attemptTimeoutMs, deadline } = this.#p;
    const upstream = this.#upstream(index);
    const hook = this.#hook;
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
        (outcome) => this.#settle(task, index, outcome),
        (err) => this.#settle(task, index, { ok: false, fault: "node", error: toGatewayError(err) }),
      );
    this.#running.add(task);
  }

  #settle(task: Promise<unknown>, index: number, outcome: CallOutcome): void {
    this.#running.delete(task);
    const stale =
      !this.#state.done &&
      outcome.ok &&
      isEmptyResult(outcome.resultRaw) &&
      emptyMayBeStale({
        method: this.#p.call.method,
        needs: this.#p.needs,
        upstreamHead: healthOf(this.#upstream(index)).head,
        maxHead: this.#maxHead,
      });
    this.#dispatch({ type: "settled", index, outcome, stale, remainingMs: this.#remaining() });
  }

  #end(outcome: CallOutcome, upstreamId: string | undefined, attempts: number): void {
    for (const attempt of this.#running) this.#p.waitUntil(attempt);
    this.#resolve({ outcome, upstreamId, attempts });
  }
}

function giveUpError(
  chain: string,
  method: string,
  { kind, attempts, cause }: Extract<FailoverAction, { type: "give_up" }>,
): GatewayError {
  if (kind === "no_upstream") {
    return new NoUpstreamError(
      `chain ${chain} is unavailable: no upstream was free to take ${method} in time; try again shortly`,
    );
  }
  return new UpstreamUnavailableError(
    `chain ${chain} is unavailable: ${attempts} ${attempts === 1 ? "attempt" : "attempts"} on its upstreams failed; try again shortly`,
    { cause },
  );
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
