// The method policy from both sides: what an attacker calling the node's own accounts, its controls
// or another spelling of a method gets, and that another tenant on the same upstream is still served.
import { beforeAll, describe, expect, test } from "vitest";
import { anvil, type Fixture, fixture, rpc } from "./fixtures";

/** anvil's first dev account, unlocked on the node: what an attacker would spend. */
const NODE_ACCOUNT = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const RECIPIENT = "0x00000000000000000000000000000000000c0ffe";

const body = (method: string, params: unknown[] = [], id = 1) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });

interface Reply {
  result?: unknown;
  error?: { code: number; message: string; data: { code: string } };
}

async function reply(f: Fixture, method: string, params: unknown[] = []) {
  const res = await rpc(f, body(method, params));
  return {
    status: res.status,
    attempts: res.headers.get("x-upstream-attempts"),
    json: await res.json<Reply>(),
  };
}

let basic: Fixture;
let full: Fixture;
let victim: Fixture;

beforeAll(async () => {
  [basic, full, victim] = await Promise.all([
    fixture(),
    fixture({ namespaces: ["debug", "trace", "txpool"], capabilities: ["debug", "trace"] }),
    fixture(),
  ]);
});

describe("the node's own accounts", () => {
  const transfer = { from: NODE_ACCOUNT, to: RECIPIENT, value: "0xde0b6b3a7640000" };
  const typed = { types: { EIP712Domain: [] }, primaryType: "EIP712Domain", domain: {}, message: {} };
  const calls: [string, unknown[]][] = [
    ["eth_sendTransaction", [transfer]],
    ["eth_signTransaction", [transfer]],
    ["eth_sign", [NODE_ACCOUNT, "0xdeadbeef"]],
    ["eth_signTypedData_v4", [NODE_ACCOUNT, JSON.stringify(typed)]],
    ["eth_signTypedData", [NODE_ACCOUNT, typed]],
    ["personal_sign", ["0xdeadbeef", NODE_ACCOUNT]],
  ];

  test.each(calls)("%s is refused on every plan and never reaches the node", async (method, params) => {
    const before = await anvil("eth_getBalance", [RECIPIENT, "latest"]);
    for (const f of [basic, full]) {
      const { status, attempts, json } = await reply(f, method, params);
      expect(status).toBe(200);
      expect(json.error).toMatchObject({ code: -32601, data: { code: "method_not_allowed" } });
      expect(json.result).toBeUndefined();
      expect(attempts).toBeNull();
    }
    expect(await anvil("eth_getBalance", [RECIPIENT, "latest"])).toBe(before);
    // The victim on the same node is served.
    expect((await reply(victim, "eth_getBalance", [RECIPIENT, "latest"])).json.result).toBe(before);
  });

  test("the refusal says to sign locally and send the raw transaction", async () => {
    const { json } = await reply(full, "eth_sendTransaction", [transfer]);
    expect(json.error?.message).toBe(
      "method eth_sendTransaction is not served: it would use the node's own accounts; sign the transaction locally and send it with eth_sendRawTransaction",
    );
  });
});

describe("node control", () => {
  test.each([
    ["debug_setHead", ["0x1"]],
    ["debug_writeMemProfile", ["/tmp/x"]],
    ["debug_startCPUProfile", ["/tmp/x"]],
    ["debug_setGCPercent", [1]],
    ["parity_setMode", ["offline"]],
    ["perm_addNodesToAllowlist", [[]]],
    ["qbft_proposeValidatorVote", [NODE_ACCOUNT, true]],
  ])("%s is refused even on a plan with debug, trace and txpool", async (method, params) => {
    const head = await anvil("eth_blockNumber");
    const { json, attempts } = await reply(full, method, params);
    expect(json.error).toMatchObject({ code: -32601, data: { code: "method_not_allowed" } });
    expect(attempts).toBeNull();
    expect(await anvil("eth_blockNumber")).toBe(head);
    expect((await reply(victim, "eth_chainId")).json.result).toBe("0x7a69");
  });

  test("a plan's debug_ serves the tracers, and says which methods it serves", async () => {
    const { json } = await reply(full, "debug_setHead", ["0x1"]);
    expect(json.error?.message).toBe(
      "method debug_setHead is not served: of debug_, only debug_traceTransaction, debug_traceCall, debug_traceBlockByNumber, debug_traceBlockByHash, debug_getRawBlock, debug_getRawHeader, debug_getRawReceipts, debug_getRawTransaction are",
    );
    const traced = await reply(full, "debug_traceCall", [
      { to: RECIPIENT },
      "latest",
      { tracer: "callTracer" },
    ]);
    expect(traced.json.result).toMatchObject({ to: RECIPIENT });
  });

  test("a JavaScript tracer is refused before any node sees it; a built-in one with a long timeout is served", async () => {
    const js = "{ data: [], step: function() {}, result: function() { return 1; } }";
    const refused = await reply(full, "debug_traceCall", [{ to: RECIPIENT }, "latest", { tracer: js }]);
    expect(refused.json.error).toMatchObject({ code: -32602, data: { code: "invalid_params" } });
    expect(refused.json.error?.message).toMatch(/only the built-in tracers are served/);
    expect(refused.attempts).toBe("0");
    const long = await reply(full, "debug_traceCall", [
      { to: RECIPIENT },
      "latest",
      { tracer: "callTracer", timeout: "1h" },
    ]);
    expect(long.json.result).toMatchObject({ to: RECIPIENT });
  });
});

describe("method names", () => {
  test.each([
    ["ETH_GETLOGS", "eth_getLogs", [{}]],
    ["eth_getlogs", "eth_getLogs", [{}]],
    ["Eth_SendRawTransaction", "eth_sendRawTransaction", ["0x00"]],
    ["eth_sendrawtransaction", "eth_sendRawTransaction", ["0x00"]],
    ["ETH_BLOCKNUMBER", "eth_blockNumber", []],
    ["eth_getblockbynumber", "eth_getBlockByNumber", ["latest", false]],
    ["ETH_SENDTRANSACTION", "eth_sendTransaction", [{}]],
    ["DEBUG_TRACECALL", "debug_traceCall", [{}, "latest"]],
    ["eth_ACCOUNTS", "eth_accounts", []],
  ])(
    "%s, a known method in another case, is refused naming %s, and no node is asked",
    async (method, canonical, params) => {
      const { status, attempts, json } = await reply(full, method, params as unknown[]);
      expect(status).toBe(200);
      expect(json.error).toEqual({
        code: -32601,
        message: `method ${method} does not exist: method names are case-sensitive; use ${canonical}`,
        data: { code: "method_not_found" },
      });
      expect(attempts).toBeNull();
    },
  );

  test.each(["eth getLogs", "eth_getLogs\u0000", "eth-call", `eth_${"a".repeat(61)}`, "eth_call;drop"])(
    "the malformed name %j is refused as not valid",
    async (method) => {
      const { json, attempts } = await reply(basic, method);
      expect(json.error).toMatchObject({ code: -32601, data: { code: "method_not_found" } });
      expect(json.error?.message).toMatch(
        /is not valid: a method name is 1 to 64 letters, digits and underscores$/,
      );
      expect(attempts).toBeNull();
    },
  );

  test("a case variant in a batch is refused alone; its neighbours and other tenants are served", async () => {
    const res = await rpc(basic, `[${body("ETH_GETLOGS", [{}], 1)},${body("eth_chainId", [], 2)}]`);
    const [refused, served] = await res.json<Reply[]>();
    expect(refused?.error?.data.code).toBe("method_not_found");
    expect(served?.result).toBe("0x7a69");
    expect((await reply(victim, "eth_chainId")).json.result).toBe("0x7a69");
  });
});

describe("eth_feeHistory", () => {
  test.each([["0x401"], ["0xd6d4c9bd2a3fc7f9e3a1b7e752"], ["0x0"], [-1], ["ten"]])(
    "a block count of %j is refused before any node (one such count stops anvil)",
    async (count) => {
      const { json, attempts } = await reply(basic, "eth_feeHistory", [count, "latest", []]);
      expect(json.error).toMatchObject({ code: -32602, data: { code: "invalid_params" } });
      expect(json.error?.message).toMatch(/blockCount must be a number of blocks from 1 to 1024/);
      expect(attempts).toBe("0");
      expect((await reply(victim, "eth_chainId")).json.result).toBe("0x7a69");
    },
  );

  test("a count within 1..1024 is served", async () => {
    const { json } = await reply(basic, "eth_feeHistory", ["0x2", "latest", [25, 75]]);
    expect(json.result).toMatchObject({ oldestBlock: expect.stringMatching(/^0x/) });
  });
});
