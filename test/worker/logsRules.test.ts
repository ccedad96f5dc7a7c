// eth_getLogs and the calls that read log ranges, from both sides: a range is charged per upstream
// chunk; a block reference that does not read, or a range over the plan's limit, is refused before
// any node is asked (eth_getLogs, eth_newFilter, trace_filter); another tenant's calls are served.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, test } from "vitest";
import { admin, anvil, type Fixture, fixture, rpc, usageOf } from "./fixtures";

const node = () => env.TEST_MINING_ANVIL_URL;
const hex = (n: number) => `0x${n.toString(16)}`;
const call = (method: string, params: unknown[]) => JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });

interface Reply {
  result?: unknown;
  error?: { code: number; message: string; data: { code: string } };
}

async function send(f: Fixture, method: string, params: unknown[]) {
  const res = await rpc(f, call(method, params));
  return { attempts: res.headers.get("x-upstream-attempts"), json: await res.json<Reply>() };
}

let attacker: Fixture;
let victim: Fixture;

beforeAll(async () => {
  [attacker, victim] = await Promise.all([
    fixture({
      upstreamUrl: node(),
      plan: { logsMaxBlockRange: 100 },
      capabilities: ["trace"],
      namespaces: ["trace"],
    }),
    fixture({ upstreamUrl: node() }),
  ]);
  for (const f of [attacker, victim]) await admin("PATCH", `/chains/${f.chain}`, { logsBlockRange: 10 });
  if (Number(await anvil("eth_blockNumber", [], node())) < 40) await anvil("anvil_mine", ["0x28"], node());
});

test("a range of 30 blocks in chunks of 10 makes 3 upstream calls and is charged 3 x 75 CU", async () => {
  const { json, attempts } = await send(victim, "eth_getLogs", [{ fromBlock: hex(0), toBlock: hex(29) }]);
  expect(Array.isArray(json.result)).toBe(true);
  expect(attempts).toBe("3");
  const usage = await usageOf(victim);
  expect(usage.totals).toMatchObject({ requests: 1, cu: 225 });
});

describe("refused before any node is asked", () => {
  test.each([
    ["eth_getLogs", [{ fromBlock: "Latest", toBlock: hex(5) }]],
    ["eth_getLogs", [{ fromBlock: 5, toBlock: hex(5) }]],
    ["eth_getLogs", [{ fromBlock: hex(0), toBlock: { number: "0x5" } }]],
    ["eth_newFilter", [{ fromBlock: "0xnope" }]],
    ["trace_filter", [{ fromBlock: "earliest", toBlock: [] }]],
  ])("%s with %j: a block that does not read is -32602", async (method, params) => {
    const { json, attempts } = await send(attacker, method, params);
    expect(json.error).toMatchObject({ code: -32602, data: { code: "invalid_params" } });
    expect(json.error?.message).toMatch(/^invalid block .*: fromBlock and toBlock are a hex block number/);
    expect(attempts).toBe("0");
  });

  test.each(["eth_getLogs", "eth_newFilter", "trace_filter"])(
    "%s over the plan's range of 100 blocks is refused with the limit",
    async (method) => {
      const { json, attempts } = await send(attacker, method, [{ fromBlock: hex(0), toBlock: hex(200) }]);
      expect(json.error).toMatchObject({ code: -32602, data: { code: "logs_limit_exceeded", max: 100 } });
      expect(attempts).toBe("0");
    },
  );

  test("the other tenant's log calls on the same node are served", async () => {
    const range = { fromBlock: hex(0), toBlock: hex(5) };
    expect(Array.isArray((await send(victim, "eth_getLogs", [range])).json.result)).toBe(true);
    expect((await send(victim, "eth_newFilter", [range])).json.result).toMatch(/^0x/);
  });
});
