/** The failover and hedging decisions of one forwarded call, driven event by event as forwardCall does. */
import { describe, expect, test } from "vitest";
import { UpstreamTimeoutError, UpstreamUnavailableError } from "../../../shared/errors/kinds";
import {
  type FailoverAction,
  type FailoverEvent,
  type FailoverInput,
  type FailoverState,
  initialFailoverState,
  step,
} from "../../../shared/routing/failover";
import type { CallOutcome } from "../../../shared/upstream/sendCalls";

const DATA: CallOutcome = { ok: true, resultRaw: '"0x1"' };
const EMPTY: CallOutcome = { ok: true, resultRaw: "null" };
const DOWN: CallOutcome = { ok: false, fault: "node", error: new UpstreamUnavailableError("down") };
const SLOW: CallOutcome = { ok: false, fault: "node", error: new UpstreamTimeoutError("slow") };
const THROTTLED: CallOutcome = {
  ok: false,
  fault: "throttled",
  error: new UpstreamUnavailableError("upstream is rate limited"),
};
const REVERTED: CallOutcome = {
  ok: false,
  fault: "client",
  error: { code: 3, message: "execution reverted" },
};

const READ: FailoverInput = {
  candidates: [
    { id: "a", latencyP90Ms: 100 },
    { id: "b", latencyP90Ms: undefined },
    { id: "c", latencyP90Ms: 40 },
  ],
  kind: "read",
  hedge: false,
  attemptTimeoutMs: 3_000,
};
const TWO = { ...READ, candidates: READ.candidates.slice(0, 2) };
const HEDGED = { ...READ, hedge: true };

const start = (remainingMs = 5_000): FailoverEvent => ({ type: "start", remainingMs });
const settled = (index: number, outcome: CallOutcome, stale = false, remainingMs = 4_000): FailoverEvent => ({
  type: "settled",
  index,
  outcome,
  stale,
  remainingMs,
});
const hedgeTimer = (remainingMs = 4_850): FailoverEvent => ({ type: "hedge_timer", remainingMs });
const admit = (index: number): FailoverAction => ({ type: "admit", index });
const attempt = (index: number, earlierAttempts: number, timeoutMs = 3_000): FailoverAction => ({
  type: "attempt",
  index,
  timeoutMs,
  earlierAttempts,
});

/** Feeds the events in, answering each `admit` from `circuits` (default: admitted) as forwardCall does. */
function drive(input: FailoverInput, events: FailoverEvent[], circuits: Record<number, boolean> = {}) {
  let state = initialFailoverState();
  const actions: FailoverAction[] = [];
  const feed = (event: FailoverEvent) => {
    const result = step(state, event, input);
    state = result.state;
    for (const action of result.actions) {
      actions.push(action);
      if (action.type !== "admit") continue;
      const { index } = action;
      feed({ type: "admission", index, admitted: circuits[index] ?? true, remainingMs: event.remainingMs });
    }
  };
  for (const event of events) feed(event);
  return { state, actions };
}

interface Case {
  name: string;
  input: FailoverInput;
  events: FailoverEvent[];
  circuits?: Record<number, boolean>;
  actions: FailoverAction[];
  state: Partial<FailoverState>;
}

describe("step", () => {
  test.each<Case>([
    {
      name: "sends the first attempt to the best upstream, within the attempt timeout",
      input: READ,
      events: [start()],
      actions: [admit(0), attempt(0, 0)],
      state: { attempts: 1, running: 1, done: false },
    },
    {
      name: "fails over to the next upstream on a node fault",
      input: READ,
      events: [start(), settled(0, DOWN)],
      actions: [admit(0), attempt(0, 0), admit(1), attempt(1, 1)],
      state: { attempts: 2, running: 1, failure: { outcome: DOWN, upstreamId: "a" } },
    },
    {
      name: "retries a send after a node fault (retriesAfter: only filter calls stay on their node)",
      input: { ...READ, kind: "send" },
      events: [start(), settled(0, DOWN)],
      actions: [admit(0), attempt(0, 0), admit(1), attempt(1, 1)],
      state: { attempts: 2, running: 1 },
    },
    {
      name: "answers a filter call with its node's fault instead of asking another node",
      input: { ...READ, kind: "stateful" },
      events: [start(), settled(0, DOWN)],
      actions: [admit(0), attempt(0, 0), { type: "finish", outcome: DOWN, upstreamId: "a", attempts: 1 }],
      state: { attempts: 1, done: true },
    },
    {
      name: "moves a filter call on when its node refuses it as throttled",
      input: { ...READ, kind: "stateful" },
      events: [start(), settled(0, THROTTLED)],
      actions: [admit(0), attempt(0, 0), admit(1), attempt(1, 1)],
      state: { attempts: 2, done: false },
    },
    {
      name: "finishes on a client fault without asking another upstream",
      input: READ,
      events: [start(), settled(0, REVERTED)],
      actions: [admit(0), attempt(0, 0), { type: "finish", outcome: REVERTED, upstreamId: "a", attempts: 1 }],
      state: { attempts: 1, running: 0, done: true },
    },
    {
      name: "keeps a stale empty answer and returns the data of the next upstream",
      input: READ,
      events: [start(), settled(0, EMPTY, true), settled(1, DATA)],
      actions: [
        admit(0),
        attempt(0, 0),
        admit(1),
        attempt(1, 1),
        { type: "finish", outcome: DATA, upstreamId: "b", attempts: 2 },
      ],
      state: { done: true },
    },
    {
      name: "returns an empty answer that is not stale without asking anyone else",
      input: READ,
      events: [start(), settled(0, EMPTY, false)],
      actions: [admit(0), attempt(0, 0), { type: "finish", outcome: EMPTY, upstreamId: "a", attempts: 1 }],
      state: { done: true, attempts: 1 },
    },
    {
      name: "returns the first fresh empty answer after a stale one",
      input: READ,
      events: [start(), settled(0, EMPTY, true), settled(1, EMPTY, false)],
      actions: [
        admit(0),
        attempt(0, 0),
        admit(1),
        attempt(1, 1),
        { type: "finish", outcome: EMPTY, upstreamId: "b", attempts: 2 },
      ],
      state: { done: true, empty: { outcome: EMPTY, upstreamId: "b", final: true } },
    },
    {
      name: "returns a stale empty answer when every other upstream fails",
      input: TWO,
      events: [start(), settled(0, EMPTY, true), settled(1, DOWN)],
      actions: [
        admit(0),
        attempt(0, 0),
        admit(1),
        attempt(1, 1),
        { type: "finish", outcome: EMPTY, upstreamId: "a", attempts: 2 },
      ],
      state: { done: true },
    },
    {
      name: "arms the hedge at 1.5 times the upstream's p90",
      input: HEDGED,
      events: [start()],
      actions: [admit(0), attempt(0, 0), { type: "arm_hedge", index: 0, delayMs: 150 }],
      state: { hedge: { index: 0, delayMs: 150 } },
    },
    {
      name: "caps the hedge delay at the time left",
      input: HEDGED,
      events: [start(120)],
      actions: [admit(0), attempt(0, 0, 120), { type: "arm_hedge", index: 0, delayMs: 120 }],
      state: { hedge: { index: 0, delayMs: 120 } },
    },
    {
      name: "when the hedge fires, records the delay as a sample and asks the next upstream too",
      input: HEDGED,
      events: [start(), hedgeTimer()],
      actions: [
        admit(0),
        attempt(0, 0),
        { type: "arm_hedge", index: 0, delayMs: 150 },
        { type: "record_latency", index: 0, ms: 150 },
        admit(1),
        attempt(1, 1),
        { type: "arm_hedge", index: 1, delayMs: 500 },
      ],
      state: { attempts: 2, running: 2, hedge: { index: 1, delayMs: 500 } },
    },
    {
      name: "answers with the hedge's data, clears its timer and leaves the first attempt running",
      input: HEDGED,
      events: [start(), hedgeTimer(), settled(1, DATA)],
      actions: [
        admit(0),
        attempt(0, 0),
        { type: "arm_hedge", index: 0, delayMs: 150 },
        { type: "record_latency", index: 0, ms: 150 },
        admit(1),
        attempt(1, 1),
        { type: "arm_hedge", index: 1, delayMs: 500 },
        { type: "clear_hedge" },
        { type: "finish", outcome: DATA, upstreamId: "b", attempts: 2 },
      ],
      state: { running: 1, done: true, hedge: undefined },
    },
    {
      name: "does not hedge the last upstream, and a fresh empty answer still waits for one running",
      input: { ...HEDGED, candidates: TWO.candidates },
      events: [start(), hedgeTimer(), settled(1, EMPTY, false), settled(0, DATA)],
      actions: [
        admit(0),
        attempt(0, 0),
        { type: "arm_hedge", index: 0, delayMs: 150 },
        { type: "record_latency", index: 0, ms: 150 },
        admit(1),
        attempt(1, 1),
        { type: "finish", outcome: DATA, upstreamId: "a", attempts: 2 },
      ],
      state: { running: 0, done: true },
    },
    {
      name: "ignores what settles after the call is answered",
      input: HEDGED,
      events: [start(), hedgeTimer(), settled(1, DATA), settled(0, DOWN), hedgeTimer()],
      actions: [
        admit(0),
        attempt(0, 0),
        { type: "arm_hedge", index: 0, delayMs: 150 },
        { type: "record_latency", index: 0, ms: 150 },
        admit(1),
        attempt(1, 1),
        { type: "arm_hedge", index: 1, delayMs: 500 },
        { type: "clear_hedge" },
        { type: "finish", outcome: DATA, upstreamId: "b", attempts: 2 },
      ],
      state: { done: true, failure: undefined },
    },
    {
      name: "gives up as unavailable when too little time is left for a fair retry",
      input: READ,
      events: [start(), settled(0, SLOW, false, 99)],
      actions: [
        admit(0),
        attempt(0, 0),
        { type: "give_up", kind: "unavailable", attempts: 1, cause: SLOW.error, upstreamId: "a" },
      ],
      state: { done: true },
    },
    {
      name: "still retries with exactly the minimum time left",
      input: READ,
      events: [start(), settled(0, SLOW, false, 100)],
      actions: [admit(0), attempt(0, 0), admit(1), attempt(1, 1, 100)],
      state: { attempts: 2 },
    },
    {
      name: "gives up as no upstream when the budget is spent before the first attempt",
      input: READ,
      events: [start(0)],
      actions: [
        { type: "give_up", kind: "no_upstream", attempts: 0, cause: undefined, upstreamId: undefined },
      ],
      state: { done: true, attempts: 0 },
    },
    {
      name: "skips upstreams whose circuit does not admit the call",
      input: READ,
      events: [start()],
      circuits: { 0: false, 1: false },
      actions: [admit(0), admit(1), admit(2), attempt(2, 0)],
      state: { attempts: 1, next: 3 },
    },
    {
      name: "gives up as no upstream when no circuit admits the call",
      input: TWO,
      events: [start()],
      circuits: { 0: false, 1: false },
      actions: [
        admit(0),
        admit(1),
        { type: "give_up", kind: "no_upstream", attempts: 0, cause: undefined, upstreamId: undefined },
      ],
      state: { done: true },
    },
    {
      name: "gives up as unavailable with the last failure once every upstream has failed",
      input: TWO,
      events: [start(), settled(0, DOWN), settled(1, THROTTLED)],
      actions: [
        admit(0),
        attempt(0, 0),
        admit(1),
        attempt(1, 1),
        { type: "give_up", kind: "unavailable", attempts: 2, cause: THROTTLED.error, upstreamId: "b" },
      ],
      state: { done: true, attempts: 2, running: 0 },
    },
  ])("$name", ({ input, events, circuits, actions, state }) => {
    const result = drive(input, events, circuits);
    expect(result.actions).toEqual(actions);
    expect(result.state).toMatchObject(state);
  });

  test("starts a first attempt with only 1 ms left", () => {
    expect(drive(READ, [start(1)]).actions).toEqual([admit(0), attempt(0, 0, 1)]);
  });
});
