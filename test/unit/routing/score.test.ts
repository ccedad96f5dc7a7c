/** Upstream ranking from synthetic metrics; in the style of viem's rankTransports tests and erpc's policy tests. */
import { describe, expect, test } from "vitest";
import { type CallNeeds, callNeeds } from "../../../shared/routing/callNeeds";
import {
  canServe,
  costOf,
  type Exclusion,
  exclusionOf,
  FULL_NODE_STATE_BLOCKS,
  lagOf,
  type RankContext,
  rankUpstreams,
  type UpstreamMetrics,
} from "../../../shared/routing/score";

const MAX_HEAD = 1_000;
const CONTEXT: RankContext = { maxHead: MAX_HEAD, maxLagBlocks: 5 };

/** A healthy, verified, full (non-archive) upstream at the chain head answering in 100 ms. */
function upstream(id: string, overrides: Partial<UpstreamMetrics> = {}): UpstreamMetrics {
  return {
    id,
    capabilities: [],
    chainIdOk: true,
    circuit: "closed",
    latencyEwmaMs: 100,
    latencyP90Ms: 100,
    errorRate: 0,
    throttled: false,
    head: MAX_HEAD,
    ...overrides,
  };
}

function needs(overrides: Partial<CallNeeds> = {}): CallNeeds {
  return {
    kind: "read",
    block: undefined,
    lowestBlock: undefined,
    headDependent: false,
    readsState: false,
    capability: undefined,
    ...overrides,
  };
}

/** eth_getBalance(addr, "latest"). */
const LATEST_STATE = needs({ headDependent: true, readsState: true });
/** eth_getTransactionByHash: no block, no head. */
const NO_BLOCK = needs();
/** eth_getLogs over 900..1000. */
const LOG_RANGE = needs({ block: 1_000, lowestBlock: 900 });
const hex = (n: number) => `0x${n.toString(16)}`;

interface RankCase {
  name: string;
  upstreams: UpstreamMetrics[];
  needs: CallNeeds;
  context?: RankContext;
  ranked: string[];
  excluded: [string, Exclusion][];
}

const RANK_CASES: RankCase[] = [
  {
    name: "the faster upstream comes first",
    upstreams: [
      upstream("a", { latencyEwmaMs: 300, latencyP90Ms: 300 }),
      upstream("b", { latencyEwmaMs: 100, latencyP90Ms: 100 }),
      upstream("c", { latencyEwmaMs: 200, latencyP90Ms: 200 }),
    ],
    needs: LATEST_STATE,
    ranked: ["b", "c", "a"],
    excluded: [],
  },
  {
    name: "a high p90 demotes an upstream whose mean is low",
    upstreams: [
      upstream("a", { latencyEwmaMs: 100, latencyP90Ms: 1_000 }), // 70 + 300 = 370
      upstream("b", { latencyEwmaMs: 300, latencyP90Ms: 300 }), // 300
    ],
    needs: LATEST_STATE,
    ranked: ["b", "a"],
    excluded: [],
  },
  {
    name: "an error rate demotes a faster upstream",
    upstreams: [
      upstream("a", { latencyEwmaMs: 100, latencyP90Ms: 100, errorRate: 0.5 }), // 100 + 1000
      upstream("b", { latencyEwmaMs: 900, latencyP90Ms: 900 }),
    ],
    needs: LATEST_STATE,
    ranked: ["b", "a"],
    excluded: [],
  },
  {
    name: "a small error rate does not outweigh a large latency difference",
    upstreams: [
      upstream("a", { latencyEwmaMs: 100, latencyP90Ms: 100, errorRate: 0.05 }), // 100 + 100
      upstream("b", { latencyEwmaMs: 300, latencyP90Ms: 300 }),
    ],
    needs: LATEST_STATE,
    ranked: ["a", "b"],
    excluded: [],
  },
  {
    name: "a throttled upstream is demoted below a slower one",
    upstreams: [
      upstream("a", { throttled: true }), // 100 + 1000
      upstream("b", { latencyEwmaMs: 900, latencyP90Ms: 900 }),
    ],
    needs: LATEST_STATE,
    ranked: ["b", "a"],
    excluded: [],
  },
  {
    name: "a half-open upstream is demoted but kept",
    upstreams: [
      upstream("a", { circuit: "half_open" }), // 100 + 500
      upstream("b", { latencyEwmaMs: 400, latencyP90Ms: 400 }),
    ],
    needs: LATEST_STATE,
    ranked: ["b", "a"],
    excluded: [],
  },
  {
    name: "an upstream with an open circuit is left out",
    upstreams: [upstream("a", { circuit: "open" }), upstream("b", { latencyEwmaMs: 900 })],
    needs: LATEST_STATE,
    ranked: ["b"],
    excluded: [["a", "circuit_open"]],
  },
  {
    name: "an upstream that reported another chain id is left out",
    upstreams: [upstream("a", { chainIdOk: false }), upstream("b")],
    needs: NO_BLOCK,
    ranked: ["b"],
    excluded: [["a", "wrong_chain"]],
  },
  {
    name: "an upstream whose chain id is not checked yet ranks after a verified one, even a poor one",
    upstreams: [
      upstream("a", { chainIdOk: undefined, latencyEwmaMs: 10, latencyP90Ms: 10 }), // 10
      upstream("b", { latencyEwmaMs: 1_000, latencyP90Ms: 1_000, errorRate: 1, throttled: true }), // 4000
    ],
    needs: LATEST_STATE,
    ranked: ["b", "a"],
    excluded: [],
  },
  {
    name: "an unchecked upstream ranks after a checked one whose cost is far above 5000 ms",
    upstreams: [
      upstream("unchecked", { chainIdOk: undefined, latencyEwmaMs: 0, latencyP90Ms: 0 }), // 0
      upstream("checked", { latencyEwmaMs: 60_000, latencyP90Ms: 60_000, errorRate: 1, throttled: true }),
    ],
    needs: LATEST_STATE,
    ranked: ["checked", "unchecked"],
    excluded: [],
  },
  {
    name: "an unchecked upstream with no latency yet still ranks after a measured checked one",
    upstreams: [
      upstream("new", { chainIdOk: undefined, latencyEwmaMs: undefined, latencyP90Ms: undefined }), // 0
      upstream("measured", { latencyEwmaMs: 6_000, latencyP90Ms: 6_000 }),
    ],
    needs: LATEST_STATE,
    ranked: ["measured", "new"],
    excluded: [],
  },
  {
    name: "checked upstreams come first, each group ordered by cost",
    upstreams: [
      upstream("u-slow", { chainIdOk: undefined, latencyEwmaMs: 300, latencyP90Ms: 300 }),
      upstream("c-slow", { latencyEwmaMs: 900, latencyP90Ms: 900 }),
      upstream("u-fast", { chainIdOk: undefined, latencyEwmaMs: 10, latencyP90Ms: 10 }),
      upstream("c-fast", { latencyEwmaMs: 200, latencyP90Ms: 200 }),
    ],
    needs: LATEST_STATE,
    ranked: ["c-fast", "c-slow", "u-fast", "u-slow"],
    excluded: [],
  },
  {
    name: "unchecked upstreams are ordered among themselves by cost, penalties included",
    upstreams: [
      upstream("throttled", { chainIdOk: undefined, throttled: true }), // 1100
      upstream("lagging", { chainIdOk: undefined, head: MAX_HEAD - 5 }), // 200
      upstream("half-open", { chainIdOk: undefined, circuit: "half_open" }), // 600
      upstream("plain", { chainIdOk: undefined }), // 100
    ],
    needs: LATEST_STATE,
    ranked: ["plain", "lagging", "half-open", "throttled"],
    excluded: [],
  },
  {
    name: "unchecked upstreams that tie keep the configured order",
    upstreams: [
      upstream("c", { chainIdOk: undefined }),
      upstream("a", { chainIdOk: undefined }),
      upstream("b", { chainIdOk: undefined }),
    ],
    needs: LATEST_STATE,
    ranked: ["c", "a", "b"],
    excluded: [],
  },
  {
    name: "unchecked upstreams are still used when every checked one is left out",
    upstreams: [
      upstream("open", { circuit: "open" }),
      upstream("wrong", { chainIdOk: false }),
      upstream("unchecked", { chainIdOk: undefined, latencyEwmaMs: 900 }),
    ],
    needs: LATEST_STATE,
    ranked: ["unchecked"],
    excluded: [
      ["open", "circuit_open"],
      ["wrong", "wrong_chain"],
    ],
  },
  {
    name: "an unchecked upstream is still left out for the usual reasons",
    upstreams: [
      upstream("open", { chainIdOk: undefined, circuit: "open" }),
      upstream("lagging", { chainIdOk: undefined, head: MAX_HEAD - 6 }),
      upstream("ok"),
    ],
    needs: LATEST_STATE,
    ranked: ["ok"],
    excluded: [
      ["open", "circuit_open"],
      ["lagging", "lagging"],
    ],
  },
  {
    name: "an upstream lagging more than maxLagBlocks is left out of head-dependent calls",
    upstreams: [upstream("a", { head: MAX_HEAD - 6 }), upstream("b", { latencyEwmaMs: 900 })],
    needs: LATEST_STATE,
    ranked: ["b"],
    excluded: [["a", "lagging"]],
  },
  {
    name: "an upstream lagging exactly maxLagBlocks is kept for head-dependent calls, with a penalty",
    upstreams: [
      upstream("a", { head: MAX_HEAD - 5 }), // 100 + 5 * 20
      upstream("b", { latencyEwmaMs: 150, latencyP90Ms: 150 }),
    ],
    needs: LATEST_STATE,
    ranked: ["b", "a"],
    excluded: [],
  },
  {
    name: "a lagging upstream is kept for calls that do not depend on the head, but penalised",
    upstreams: [
      upstream("a", { head: MAX_HEAD - 100, latencyEwmaMs: 10, latencyP90Ms: 10 }), // 10 + 2000
      upstream("b", { latencyEwmaMs: 500, latencyP90Ms: 500 }),
    ],
    needs: NO_BLOCK,
    ranked: ["b", "a"],
    excluded: [],
  },
  {
    name: "an upstream last seen below the block the call names is tried last, not left out",
    upstreams: [
      upstream("a", { head: 899 }),
      upstream("b", { head: 900 }),
      upstream("c", { head: undefined }),
    ],
    needs: needs({ block: 900 }),
    context: { maxHead: 900, maxLagBlocks: 5 },
    ranked: ["b", "c", "a"],
    excluded: [],
  },
  {
    name: "a state read older than a full node keeps needs an archive upstream",
    upstreams: [upstream("full"), upstream("archive", { capabilities: ["archive"], latencyEwmaMs: 900 })],
    needs: needs({ block: MAX_HEAD - FULL_NODE_STATE_BLOCKS - 1, readsState: true }),
    ranked: ["archive"],
    excluded: [["full", "capability"]],
  },
  {
    name: "a state read exactly FULL_NODE_STATE_BLOCKS behind the head is served by a full node",
    upstreams: [upstream("full"), upstream("archive", { capabilities: ["archive"], latencyEwmaMs: 900 })],
    needs: needs({ block: MAX_HEAD - FULL_NODE_STATE_BLOCKS, readsState: true }),
    ranked: ["full", "archive"],
    excluded: [],
  },
  {
    name: "an old block that reads no state (a block lookup) is served by a full node",
    upstreams: [upstream("full"), upstream("archive", { capabilities: ["archive"], latencyEwmaMs: 900 })],
    needs: needs({ block: 1, readsState: false }),
    ranked: ["full", "archive"],
    excluded: [],
  },
  {
    name: "an old state read goes to a full node when the chain head is unknown",
    upstreams: [upstream("full", { head: undefined })],
    needs: needs({ block: 1, readsState: true }),
    context: { maxHead: undefined, maxLagBlocks: 5 },
    ranked: ["full"],
    excluded: [],
  },
  {
    name: "an upstream whose oldest block is above the single block the call names is left out",
    upstreams: [
      upstream("pruned", { oldestBlock: 901 }),
      upstream("edge", { oldestBlock: 900 }),
      upstream("unknown", { oldestBlock: undefined }),
    ],
    needs: needs({ block: 900 }),
    ranked: ["edge", "unknown"],
    excluded: [["pruned", "capability"]],
  },
  {
    name: "a log range starting below an upstream's oldest block is left out, even if its end is above",
    upstreams: [
      upstream("pruned", { oldestBlock: 950 }),
      upstream("edge", { oldestBlock: 900 }),
      upstream("above-end", { oldestBlock: 1_001 }),
      upstream("unknown", { oldestBlock: undefined }),
    ],
    needs: LOG_RANGE,
    ranked: ["edge", "unknown"],
    excluded: [
      ["pruned", "capability"],
      ["above-end", "capability"],
    ],
  },
  {
    name: "a real eth_getLogs from 0x64 to latest is left to upstreams that keep block 100",
    upstreams: [
      upstream("pruned", { oldestBlock: 101 }),
      upstream("edge", { oldestBlock: 100 }),
      upstream("archive", { capabilities: ["archive"], oldestBlock: 0 }),
    ],
    needs: callNeeds("eth_getLogs", [{ fromBlock: "0x64", toBlock: "latest" }]),
    ranked: ["edge", "archive"],
    excluded: [["pruned", "capability"]],
  },
  {
    name: "a real eth_getLogs over 900..1000 goes first to upstreams that reached its end",
    upstreams: [
      upstream("at-start", { head: 900 }),
      upstream("below-end", { head: 999 }),
      upstream("at-end", { head: 1_000 }),
    ],
    needs: callNeeds("eth_getLogs", [{ fromBlock: hex(900), toBlock: hex(1_000) }]),
    ranked: ["at-end", "below-end", "at-start"],
    excluded: [],
  },
  {
    name: "a trace call is left to upstreams with the trace capability",
    upstreams: [
      upstream("plain"),
      upstream("debug", { capabilities: ["debug"] }),
      upstream("trace", { capabilities: ["trace", "archive"] }),
    ],
    needs: needs({ capability: "trace" }),
    ranked: ["trace"],
    excluded: [
      ["plain", "capability"],
      ["debug", "capability"],
    ],
  },
  {
    name: "a debug call is left to upstreams with the debug capability",
    upstreams: [
      upstream("trace", { capabilities: ["trace"] }),
      upstream("debug", { capabilities: ["debug"] }),
    ],
    needs: needs({ capability: "debug" }),
    ranked: ["debug"],
    excluded: [["trace", "capability"]],
  },
  {
    name: "ties keep the configured order",
    upstreams: [upstream("a"), upstream("b"), upstream("c")],
    needs: LATEST_STATE,
    ranked: ["a", "b", "c"],
    excluded: [],
  },
  {
    name: "ties keep the configured order, whatever it is",
    upstreams: [upstream("c"), upstream("a"), upstream("b")],
    needs: LATEST_STATE,
    ranked: ["c", "a", "b"],
    excluded: [],
  },
  {
    name: "upstreams with no latency yet tie with each other in configured order, before measured ones",
    upstreams: [
      upstream("measured"),
      upstream("new1", { latencyEwmaMs: undefined, latencyP90Ms: undefined }),
      upstream("new2", { latencyEwmaMs: undefined, latencyP90Ms: undefined }),
    ],
    needs: LATEST_STATE,
    ranked: ["new1", "new2", "measured"],
    excluded: [],
  },
  {
    name: "a slow upstream (+300 ms EWMA) ranks last even when configured first",
    upstreams: [upstream("slow", { latencyEwmaMs: 400 }), upstream("a"), upstream("b"), upstream("c")],
    needs: LATEST_STATE,
    ranked: ["a", "b", "c", "slow"],
    excluded: [],
  },
  {
    name: "every upstream can be left out, each with its own reason",
    upstreams: [
      upstream("open", { circuit: "open" }),
      upstream("wrong", { chainIdOk: false }),
      upstream("lagging", { head: MAX_HEAD - 50 }),
    ],
    needs: LATEST_STATE,
    ranked: [],
    excluded: [
      ["open", "circuit_open"],
      ["wrong", "wrong_chain"],
      ["lagging", "lagging"],
    ],
  },
];

describe("rankUpstreams", () => {
  test.each(RANK_CASES)("$name", ({ upstreams, needs, context, ranked, excluded }) => {
    const result = rankUpstreams(upstreams, needs, context ?? CONTEXT);
    expect(result.ranked.map((u) => u.id)).toEqual(ranked);
    expect(result.excluded.map((e) => [e.upstream.id, e.reason])).toEqual(excluded);
  });

  test("returns the caller's own objects, not copies", () => {
    const a = { ...upstream("a"), url: "https://a.example" };
    const { ranked } = rankUpstreams([a], LATEST_STATE, CONTEXT);
    expect(ranked[0]).toBe(a);
  });

  test("does not reorder the input array", () => {
    const list = [upstream("slow", { latencyEwmaMs: 900 }), upstream("fast")];
    rankUpstreams(list, LATEST_STATE, CONTEXT);
    expect(list.map((u) => u.id)).toEqual(["slow", "fast"]);
  });
});

describe("rankUpstreams: near-best upstreams take turns", () => {
  const order = (list: UpstreamMetrics[], turn: number) =>
    rankUpstreams(list, NO_BLOCK, CONTEXT, turn).ranked.map((u) => u.id);

  test("three equal upstreams rotate at the front, one turn at a time", () => {
    const list = [upstream("a"), upstream("b"), upstream("c")];
    expect([0, 1, 2, 3].map((turn) => order(list, turn))).toEqual([
      ["a", "b", "c"],
      ["b", "c", "a"],
      ["c", "a", "b"],
      ["a", "b", "c"],
    ]);
  });

  test("only upstreams within 1.25x + 2 ms of the best share; the rest keep their place", () => {
    // Best costs 100: the limit is 127.
    const list = [
      upstream("a"),
      upstream("b", { latencyEwmaMs: 127, latencyP90Ms: 127 }),
      upstream("slow", { latencyEwmaMs: 128, latencyP90Ms: 128 }),
    ];
    expect(order(list, 1)).toEqual(["b", "a", "slow"]);
    expect(order(list, 2)).toEqual(["a", "b", "slow"]);
  });

  test("a slow upstream (+300 ms) never takes a turn", () => {
    const list = [
      upstream("a", { latencyEwmaMs: 1, latencyP90Ms: 1 }),
      upstream("slow", { latencyEwmaMs: 301, latencyP90Ms: 301 }),
    ];
    for (const turn of [0, 1, 2, 3]) expect(order(list, turn)[0]).toBe("a");
  });

  test("an unchecked upstream does not share turns with checked ones, however cheap", () => {
    const list = [
      upstream("a"),
      upstream("new", { chainIdOk: undefined, latencyEwmaMs: undefined, latencyP90Ms: undefined }),
    ];
    for (const turn of [0, 1, 2, 3]) expect(order(list, turn)).toEqual(["a", "new"]);
  });
});

describe("exclusionOf", () => {
  test.each<{ name: string; metrics: UpstreamMetrics; needs: CallNeeds; reason: Exclusion | undefined }>([
    {
      name: "a healthy upstream is not excluded",
      metrics: upstream("a"),
      needs: LATEST_STATE,
      reason: undefined,
    },
    {
      name: "a missing capability outranks a wrong chain and an open circuit",
      metrics: upstream("a", { chainIdOk: false, circuit: "open" }),
      needs: needs({ capability: "trace" }),
      reason: "capability",
    },
    {
      name: "a wrong chain outranks an open circuit",
      metrics: upstream("a", { chainIdOk: false, circuit: "open" }),
      needs: LATEST_STATE,
      reason: "wrong_chain",
    },
    {
      name: "being behind the block is not an exclusion",
      metrics: upstream("a", { head: 10 }),
      needs: needs({ block: 900 }),
      reason: undefined,
    },
    {
      name: "behind the block and lagging on a head-dependent call is lagging",
      metrics: upstream("a", { head: 10 }),
      needs: needs({ block: 900, headDependent: true }),
      reason: "lagging",
    },
    {
      name: "a half-open circuit is not an exclusion",
      metrics: upstream("a", { circuit: "half_open" }),
      needs: LATEST_STATE,
      reason: undefined,
    },
    {
      name: "an unknown head is neither behind nor lagging",
      metrics: upstream("a", { head: undefined }),
      needs: needs({ block: 900, headDependent: true }),
      reason: undefined,
    },
  ])("$name", ({ metrics, needs, reason }) => {
    expect(exclusionOf(metrics, needs, CONTEXT)).toBe(reason);
  });
});

describe("canServe", () => {
  test("ignores health: an open, wrong-chain, lagging upstream could still serve the call", () => {
    const sick = upstream("a", { circuit: "open", chainIdOk: false, head: 1, errorRate: 1, throttled: true });
    expect(canServe(sick, LATEST_STATE, CONTEXT)).toBe(true);
  });

  test("an archive upstream serves an old state read that a full node cannot", () => {
    const old = needs({ block: 0, readsState: true });
    expect(canServe(upstream("full"), old, CONTEXT)).toBe(false);
    expect(canServe(upstream("archive", { capabilities: ["archive"] }), old, CONTEXT)).toBe(true);
  });

  test("an archive upstream still cannot serve a block below its oldest block", () => {
    const archive = upstream("archive", { capabilities: ["archive"], oldestBlock: 100 });
    expect(canServe(archive, needs({ block: 99, readsState: true }), CONTEXT)).toBe(false);
    expect(canServe(archive, needs({ block: 100, readsState: true }), CONTEXT)).toBe(true);
  });

  test("a call that names no block is served whatever the oldest block", () => {
    expect(canServe(upstream("a", { oldestBlock: 999 }), LATEST_STATE, CONTEXT)).toBe(true);
  });

  test.each<{ name: string; needs: CallNeeds; oldestBlock: number; served: boolean }>([
    { name: "a range starting at the oldest block", needs: LOG_RANGE, oldestBlock: 900, served: true },
    { name: "a range starting one block below it", needs: LOG_RANGE, oldestBlock: 901, served: false },
    { name: "a range ending at it but starting below", needs: LOG_RANGE, oldestBlock: 1_000, served: false },
    {
      name: "lowestBlock undefined falls back to block (above it)",
      needs: needs({ block: 1_000 }),
      oldestBlock: 900,
      served: true,
    },
    {
      name: "lowestBlock undefined falls back to block (below it)",
      needs: needs({ block: 899 }),
      oldestBlock: 900,
      served: false,
    },
    {
      name: "earliest to latest against a node pruned at 1",
      needs: callNeeds("eth_getLogs", [{ fromBlock: "earliest", toBlock: "latest" }]),
      oldestBlock: 1,
      served: false,
    },
    {
      name: "earliest to latest against a node keeping genesis",
      needs: callNeeds("eth_getLogs", [{ fromBlock: "earliest", toBlock: "latest" }]),
      oldestBlock: 0,
      served: true,
    },
  ])("the oldest-block check uses the lowest block: $name: $served", ({ needs, oldestBlock, served }) => {
    expect(canServe(upstream("a", { oldestBlock }), needs, CONTEXT)).toBe(served);
  });

  test("the archive check still looks at the highest block, not the lowest", () => {
    // A state read whose highest block is recent: a full node serves it, whatever lowestBlock says.
    const recent = needs({ block: MAX_HEAD, lowestBlock: 0, readsState: true });
    expect(canServe(upstream("full"), recent, CONTEXT)).toBe(true);
  });
});

describe("costOf", () => {
  test.each<{ name: string; metrics: UpstreamMetrics; context?: RankContext; cost: number }>([
    { name: "latency alone", metrics: upstream("a"), cost: 100 },
    {
      name: "70% EWMA and 30% p90",
      metrics: upstream("a", { latencyEwmaMs: 100, latencyP90Ms: 300 }),
      cost: 160,
    },
    {
      name: "the EWMA stands in for a missing p90",
      metrics: upstream("a", { latencyP90Ms: undefined }),
      cost: 100,
    },
    {
      name: "no latency yet costs nothing",
      metrics: upstream("a", { latencyEwmaMs: undefined, latencyP90Ms: undefined }),
      cost: 0,
    },
    { name: "2000 ms per unit of error rate", metrics: upstream("a", { errorRate: 0.25 }), cost: 600 },
    { name: "1000 ms when throttled", metrics: upstream("a", { throttled: true }), cost: 1_100 },
    { name: "500 ms when half-open", metrics: upstream("a", { circuit: "half_open" }), cost: 600 },
    {
      name: "no penalty when the chain id is unchecked (it orders the ranking instead)",
      metrics: upstream("a", { chainIdOk: undefined }),
      cost: 100,
    },
    { name: "20 ms per block of lag", metrics: upstream("a", { head: MAX_HEAD - 3 }), cost: 160 },
    {
      name: "no lag penalty for a head above maxHead",
      metrics: upstream("a", { head: MAX_HEAD + 10 }),
      cost: 100,
    },
    {
      name: "no lag penalty when the chain head is unknown",
      metrics: upstream("a", { head: 1 }),
      context: { maxHead: undefined, maxLagBlocks: 5 },
      cost: 100,
    },
    {
      name: "penalties add up",
      metrics: upstream("a", {
        latencyEwmaMs: 200,
        latencyP90Ms: 400, // 140 + 120
        errorRate: 0.1, // 200
        throttled: true, // 1000
        circuit: "half_open", // 500
        chainIdOk: undefined, // 0
        head: MAX_HEAD - 2, // 40
      }),
      cost: 2_000,
    },
  ])("$name: $cost", ({ metrics, context, cost }) => {
    expect(costOf(metrics, context ?? CONTEXT)).toBeCloseTo(cost, 6);
  });
});

describe("lagOf", () => {
  test.each<{ name: string; head: number | undefined; maxHead: number | undefined; lag: number }>([
    { name: "blocks behind the highest head", head: 990, maxHead: 1_000, lag: 10 },
    { name: "zero at the highest head", head: 1_000, maxHead: 1_000, lag: 0 },
    { name: "zero above the highest head", head: 1_005, maxHead: 1_000, lag: 0 },
    { name: "zero when the upstream's head is unknown", head: undefined, maxHead: 1_000, lag: 0 },
    { name: "zero when the chain head is unknown", head: 990, maxHead: undefined, lag: 0 },
  ])("$name", ({ head, maxHead, lag }) => {
    expect(lagOf(upstream("a", { head }), { maxHead, maxLagBlocks: 5 })).toBe(lag);
  });
});
