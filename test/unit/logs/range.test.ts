import { describe, expect, test } from "vitest";
import { type ChainBlocks, mergeLogs, planLogs, tooManyLogs } from "../../../shared/logs/range";

const BLOCKS: ChainBlocks = { head: 1_000, finalized: 900 };
const LIMITS = { chunkBlocks: 100, maxBlocks: 500 };
const hex = (n: number) => `0x${n.toString(16)}`;
const ranges = (plan: ReturnType<typeof planLogs>) =>
  plan.kind === "split" ? plan.filters.map((f) => [Number(f.fromBlock), Number(f.toBlock)]) : plan.kind;

describe("planLogs", () => {
  test.each([
    {
      name: "a range within one chunk goes as is",
      filter: { fromBlock: hex(1), toBlock: hex(100) },
      want: "as_is",
    },
    { name: "a blockHash filter goes as is", filter: { blockHash: `0x${"ab".repeat(32)}` }, want: "as_is" },
    { name: "no blocks means latest..latest: as is", filter: {}, want: "as_is" },
    {
      name: "a reversed range is left to the node",
      filter: { fromBlock: hex(10), toBlock: hex(5) },
      want: "as_is",
    },
    {
      name: "a block reference that does not read is refused (issue 17: no longer left to the node)",
      filter: { fromBlock: "Latest", toBlock: hex(5) },
      want: "refuse",
    },
    { name: "a numeric block is refused", filter: { fromBlock: 5 }, want: "refuse" },
    { name: "a nested block is refused", filter: { toBlock: { number: "0x1" } }, want: "refuse" },
    { name: "a missing filter is left to the node", filter: undefined, want: "as_is" },
  ])("$name", ({ filter, want }) => {
    expect(ranges(planLogs(filter === undefined ? [] : [filter], BLOCKS, LIMITS))).toBe(want);
  });

  test("a range of 3 chunks is split into consecutive chunks covering it exactly", () => {
    const plan = planLogs([{ fromBlock: hex(10), toBlock: hex(309), address: "0xabc" }], BLOCKS, LIMITS);
    expect(ranges(plan)).toEqual([
      [10, 109],
      [110, 209],
      [210, 309],
    ]);
    expect(plan.kind === "split" && plan.filters.every((f) => f.address === "0xabc")).toBe(true);
  });

  test("the last chunk is short when the range does not divide evenly", () => {
    expect(ranges(planLogs([{ fromBlock: hex(0), toBlock: hex(150) }], BLOCKS, LIMITS))).toEqual([
      [0, 99],
      [100, 150],
    ]);
  });

  test("tags are resolved first: latest and pending to the head, safe and finalized to the finalized block", () => {
    expect(ranges(planLogs([{ fromBlock: hex(750), toBlock: "latest" }], BLOCKS, LIMITS))).toEqual([
      [750, 849],
      [850, 949],
      [950, 1000],
    ]);
    expect(ranges(planLogs([{ fromBlock: hex(750) }], BLOCKS, LIMITS))).toHaveLength(3);
    expect(ranges(planLogs([{ fromBlock: hex(750), toBlock: "pending" }], BLOCKS, LIMITS))).toHaveLength(3);
    expect(ranges(planLogs([{ fromBlock: hex(701), toBlock: "finalized" }], BLOCKS, LIMITS))).toEqual([
      [701, 800],
      [801, 900],
    ]);
    expect(ranges(planLogs([{ fromBlock: hex(701), toBlock: "safe" }], BLOCKS, LIMITS))).toHaveLength(2);
  });

  test("earliest..latest is the whole chain, refused over the plan's limit with the limit in the message", () => {
    const plan = planLogs([{ fromBlock: "earliest", toBlock: "latest" }], BLOCKS, LIMITS);
    expect(plan.kind).toBe("refuse");
    const error = plan.kind === "refuse" ? plan.error.toJsonRpc() : undefined;
    expect(error).toEqual({
      code: -32602,
      message:
        "eth_getLogs block range too large: 1001 blocks (0x0 to 0x3e8) is over this plan's limit of 500; narrow fromBlock and toBlock",
      data: { code: "logs_limit_exceeded", limit: "block_range", max: 500 },
    });
  });

  test("a range of exactly the plan's limit is split, one block more is refused", () => {
    expect(planLogs([{ fromBlock: hex(1), toBlock: hex(500) }], BLOCKS, LIMITS).kind).toBe("split");
    expect(planLogs([{ fromBlock: hex(1), toBlock: hex(501) }], BLOCKS, LIMITS).kind).toBe("refuse");
  });

  test("tags cannot be resolved before the head is known: as is", () => {
    const unknown = { head: undefined, finalized: undefined };
    expect(planLogs([{ fromBlock: "earliest", toBlock: "latest" }], unknown, LIMITS).kind).toBe("as_is");
  });
});

describe("mergeLogs", () => {
  test("keeps chunk order and log order, and skips empty chunks", () => {
    const merged = mergeLogs(['[{"n":1},{"n":2}]', "[]", ' [{"n":3}] ']);
    expect(merged).toEqual({ resultRaw: '[{"n":1},{"n":2},{"n":3}]', count: 3 });
    expect(JSON.parse(merged?.resultRaw ?? "")).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  test("all empty is an empty list", () => {
    expect(mergeLogs(["[]", "[]"])).toEqual({ resultRaw: "[]", count: 0 });
  });

  test.each([["null"], ['{"n":1}'], ["not json"]])("a chunk answered %s cannot be merged", (raw) => {
    expect(mergeLogs(["[]", raw])).toBeUndefined();
  });
});

describe("tooManyLogs", () => {
  test("says how many matched and the limit", () => {
    expect(tooManyLogs(12_345, 10_000).toJsonRpc()).toEqual({
      code: -32602,
      message:
        "eth_getLogs matched 12345 logs, over the limit of 10000 per call; narrow the block range or the filter",
      data: { code: "logs_limit_exceeded", limit: "results", max: 10_000 },
    });
  });
});
