import { describe, expect, test } from "vitest";
import { parseRequest, type RpcItem } from "../../../shared/jsonrpc/parse";
import { costsOf, usageOf } from "../../../shared/metering/calls";
import { addUsage, dayOf, familyOf, type UsageRow } from "../../../shared/metering/usage";
import { refusalsOf } from "../../../shared/pipeline/authorize";

describe("familyOf", () => {
  test.each([
    ["eth_blockNumber", "read"],
    ["eth_getBalance", "read"],
    ["eth_call", "call"],
    ["eth_estimateGas", "call"],
    ["eth_getLogs", "logs"],
    ["eth_newFilter", "filter"],
    ["eth_sendRawTransaction", "send"],
    ["eth_subscribe", "subscribe"],
    ["debug_traceCall", "debug"],
    ["trace_block", "trace"],
    ["txpool_status", "txpool"],
    ["web3_clientVersion", "read"],
    ["nounderscore", "read"],
    [undefined, "invalid"],
  ])("%s is %s", (method, family) => {
    expect(familyOf(method)).toBe(family);
  });
});

describe("dayOf", () => {
  test.each([
    [Date.UTC(2026, 10, 24, 0, 0, 0), "2026-11-24"],
    [Date.UTC(2026, 10, 24, 23, 59, 59, 999), "2026-11-24"],
    [Date.UTC(2026, 10, 25), "2026-11-25"],
    [Date.UTC(2026, 11, 31, 12), "2026-12-31"],
    [Date.UTC(2026, 10, 24, 12), "2026-11-24"],
    [0, "1970-01-01"],
  ])("%i is %s, asked in any order", (now, day) => {
    expect(dayOf(now)).toBe(day);
  });
});

describe("addUsage", () => {
  const row = (overrides: Partial<UsageRow> = {}): UsageRow => ({
    day: "2026-11-24",
    keyId: "key_a",
    chain: "eth",
    family: "read",
    requests: 1,
    cu: 10,
    errors: 0,
    ...overrides,
  });

  test("rows with the same day, key, chain and family add up; others stay apart", () => {
    const rows = new Map<string, UsageRow>();
    addUsage(rows, row());
    addUsage(rows, row({ cu: 19, errors: 1 }));
    addUsage(rows, row({ family: "call", cu: 26 }));
    addUsage(rows, row({ day: "2026-11-25" }));
    expect([...rows.values()]).toEqual([
      row({ requests: 2, cu: 29, errors: 1 }),
      row({ family: "call", cu: 26 }),
      row({ day: "2026-11-25" }),
    ]);
  });

  test("the row added is copied, never changed later", () => {
    const rows = new Map<string, UsageRow>();
    const first = row();
    addUsage(rows, first);
    addUsage(rows, row());
    expect(first.requests).toBe(1);
  });
});

const itemsOf = (body: string): RpcItem[] => {
  const parsed = parseRequest(body);
  if (parsed.kind === "error") throw parsed.error;
  return parsed.kind === "single" ? [parsed.item] : parsed.items;
};

describe("costsOf and usageOf", () => {
  const items = itemsOf(
    '[{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[]},' +
      '{"jsonrpc":"2.0","id":2,"method":"debug_traceCall","params":[]},' +
      '{"jsonrpc":"2.0","id":3},' +
      '{"jsonrpc":"2.0","id":4,"method":"eth_getLogs","params":[]}]',
  );

  test("each call costs its method's CU; refused and invalid calls cost nothing", () => {
    expect(costsOf(items, refusalsOf(items, []))).toEqual([26, 0, 0, 75]);
    expect(costsOf(items, refusalsOf(items, ["debug"]))).toEqual([26, 309, 0, 75]);
  });

  test("one row per call, with its family, cost and whether it failed", () => {
    const rows = usageOf({
      items,
      costs: [26, 0, 0, 75],
      failed: [false, true, true, false],
      keyId: "key_a",
      chain: "eth",
      now: Date.UTC(2026, 10, 24, 8),
    });
    const base = { day: "2026-11-24", keyId: "key_a", chain: "eth", requests: 1 };
    expect(rows).toEqual([
      { ...base, family: "call", cu: 26, errors: 0 },
      { ...base, family: "debug", cu: 0, errors: 1 },
      { ...base, family: "invalid", cu: 0, errors: 1 },
      { ...base, family: "logs", cu: 75, errors: 0 },
    ]);
  });

  test("a request that failed as a whole counts every call as an error, still charged", () => {
    const rows = usageOf({ items, costs: [26, 0, 0, 75], failed: undefined, keyId: "k", chain: "c", now: 0 });
    expect(rows.map((r) => [r.cu, r.errors])).toEqual([
      [26, 1],
      [0, 1],
      [0, 1],
      [75, 1],
    ]);
  });
});
