/**
 * @module
 * The failover and hedging decisions of one forwarded call, as a pure step function: given the
 * state and what just happened, the next state and what to do. shared/routing/forward.ts does it.
 */
import type { CallOutcome } from "../upstream/sendCalls";
import type { CallKind } from "./callNeeds";
import { hedgeDelayMs, isEmptyResult, retriesAfter } from "./policy";

/** No retry or hedge starts with less of the budget left than this. */
export const MIN_ATTEMPT_MS = 100;

export type FailedOutcome = Extract<CallOutcome, { ok: false }>;

/** What stays the same for the whole call. */
export interface FailoverInput {
  /** The ranked upstreams, best first. */
  candidates: readonly { id: string; latencyP90Ms: number | undefined }[];
  kind: CallKind;
  /** Whether a slow attempt is hedged by asking the next candidate too. */
  hedge: boolean;
  /** Longest a single attempt may take. */
  attemptTimeoutMs: number;
}

/** Where one call stands. */
export interface FailoverState {
  /** Index of the next candidate to consider. */
  next: number;
  attempts: number;
  /** Attempts sent and not answered yet. */
  running: number;
  done: boolean;
  /** An empty answer kept while others may still bring data; `final` once no one else is asked. */
  empty: { outcome: CallOutcome; upstreamId: string; final: boolean } | undefined;
  /** The latest failure. */
  failure: { outcome: FailedOutcome; upstreamId: string } | undefined;
  /** The armed hedge timer: the candidate it waits on, and for how long. */
  hedge: { index: number; delayMs: number } | undefined;
}

/**
 * What happened. `remainingMs` is the time left in the call's budget when it happened;
 * `admitted` is the candidate's circuit's answer to an `admit` action, `stale` whether an empty
 * answer may come from a node that is behind (`emptyMayBeStale`).
 */
export type FailoverEvent =
  | { type: "start"; remainingMs: number }
  | { type: "admission"; index: number; admitted: boolean; remainingMs: number }
  | { type: "settled"; index: number; outcome: CallOutcome; stale: boolean; remainingMs: number }
  | { type: "hedge_timer"; remainingMs: number };

/**
 * What to do, in order. `admit` asks the candidate's circuit and must be answered with an
 * `admission` event before anything else happens; `arm_hedge` replaces any armed timer.
 */
export type FailoverAction =
  | { type: "admit"; index: number }
  | { type: "attempt"; index: number; timeoutMs: number; earlierAttempts: number }
  | { type: "arm_hedge"; index: number; delayMs: number }
  | { type: "clear_hedge" }
  | { type: "record_latency"; index: number; ms: number }
  | { type: "finish"; outcome: CallOutcome; upstreamId: string; attempts: number }
  | {
      type: "give_up";
      /** `no_upstream` when no attempt could start, `unavailable` when every attempt failed. */
      kind: "no_upstream" | "unavailable";
      attempts: number;
      cause: FailedOutcome["error"] | undefined;
      upstreamId: string | undefined;
    };

export interface StepReturnType {
  state: FailoverState;
  actions: FailoverAction[];
}

/** A call before its first attempt. */
export function initialFailoverState(): FailoverState {
  return {
    next: 0,
    attempts: 0,
    running: 0,
    done: false,
    empty: undefined,
    failure: undefined,
    hedge: undefined,
  };
}

/** The next state of a call, and what to do, after `event`. Once the call is answered, nothing. */
export function step(state: FailoverState, event: FailoverEvent, input: FailoverInput): StepReturnType {
  if (state.done) return { state, actions: [] };
  switch (event.type) {
    case "start":
      return advance(state, event.remainingMs, input);
    case "admission":
      return event.admitted
        ? launch(state, event.index, event.remainingMs, input)
        : advance(state, event.remainingMs, input);
    case "settled":
      return settled(state, event, input);
    case "hedge_timer":
      return hedgeFired(state, event.remainingMs, input);
  }
}

/** Takes the next candidate, if there is one and time for it; gives up when none is left running. */
function advance(state: FailoverState, remainingMs: number, input: FailoverInput): StepReturnType {
  if (state.next >= input.candidates.length || state.empty?.final) return launchFailed(state);
  const next = { ...state, next: state.next + 1 };
  // Too little time left for a fair retry: a timeout then would blame a healthy upstream.
  if (remainingMs < (state.attempts === 0 ? 1 : MIN_ATTEMPT_MS)) return launchFailed(next);
  return { state: next, actions: [{ type: "admit", index: state.next }] };
}

function launchFailed(state: FailoverState): StepReturnType {
  return state.running === 0 ? giveUp(state) : { state, actions: [] };
}

function launch(
  state: FailoverState,
  index: number,
  remainingMs: number,
  input: FailoverInput,
): StepReturnType {
  const actions: FailoverAction[] = [
    {
      type: "attempt",
      index,
      timeoutMs: Math.min(input.attemptTimeoutMs, remainingMs),
      earlierAttempts: state.attempts,
    },
  ];
  let hedge: FailoverState["hedge"];
  if (input.hedge && state.next < input.candidates.length) {
    const delayMs = Math.min(hedgeDelayMs(input.candidates[index]?.latencyP90Ms), remainingMs);
    hedge = { index, delayMs };
    actions.push({ type: "arm_hedge", index, delayMs });
  } else if (state.hedge) {
    actions.push({ type: "clear_hedge" });
  }
  return { state: { ...state, attempts: state.attempts + 1, running: state.running + 1, hedge }, actions };
}

function settled(
  state: FailoverState,
  { index, outcome, stale, remainingMs }: Extract<FailoverEvent, { type: "settled" }>,
  input: FailoverInput,
): StepReturnType {
  const upstreamId = input.candidates[index]?.id ?? "";
  const next = { ...state, running: state.running - 1 };
  if (outcome.ok && !isEmptyResult(outcome.resultRaw)) return finish(next, outcome, upstreamId);
  if (!outcome.ok && outcome.fault === "client") return finish(next, outcome, upstreamId);
  if (outcome.ok) {
    if (!next.empty || !stale) next.empty = { outcome, upstreamId, final: !stale };
  } else {
    next.failure = { outcome, upstreamId };
    if (!retriesAfter(input.kind, outcome.fault)) {
      return next.running === 0 ? finish(next, outcome, upstreamId) : { state: next, actions: [] };
    }
  }
  if (next.running > 0 && next.empty?.final) return { state: next, actions: [] };
  return advance(next, remainingMs, input);
}

/** Not answering within the delay is already a latency sample: at least this slow. */
function hedgeFired(state: FailoverState, remainingMs: number, input: FailoverInput): StepReturnType {
  if (!state.hedge) return { state, actions: [] };
  const { index, delayMs } = state.hedge;
  const next = advance({ ...state, hedge: undefined }, remainingMs, input);
  return { state: next.state, actions: [{ type: "record_latency", index, ms: delayMs }, ...next.actions] };
}

function giveUp(state: FailoverState): StepReturnType {
  if (state.empty) return finish(state, state.empty.outcome, state.empty.upstreamId);
  return end(state, {
    type: "give_up",
    kind: state.attempts === 0 ? "no_upstream" : "unavailable",
    attempts: state.attempts,
    cause: state.failure?.outcome.error,
    upstreamId: state.failure?.upstreamId,
  });
}

function finish(state: FailoverState, outcome: CallOutcome, upstreamId: string): StepReturnType {
  return end(state, { type: "finish", outcome, upstreamId, attempts: state.attempts });
}

function end(state: FailoverState, last: FailoverAction): StepReturnType {
  const actions: FailoverAction[] = state.hedge ? [{ type: "clear_hedge" }, last] : [last];
  return { state: { ...state, done: true, hedge: undefined }, actions };
}
