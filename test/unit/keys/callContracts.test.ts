/** A key's allowedContracts on every method it covers: which addresses a call touches, and the refusal. */
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, test } from "vitest";
import { contractsOf } from "../../../shared/keys/callContracts";
import { checkCall, compileRules } from "../../../shared/keys/keyRules";

/** anvil's first test key: never holds value anywhere. */
const account = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const WETH = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2";
const OTHER = "0x1111111111111111111111111111111111111111";

const rules = compileRules({ allowedContracts: [USDC, WETH] });
const code = (method: string, params: unknown) => checkCall(rules, { method, params })?.code;

let legacy: Hex;
let eip1559: Hex;
let eip1559ToOther: Hex;
let creation: Hex;

beforeAll(async () => {
  const fees = { maxFeePerGas: 30_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
  legacy = await account.signTransaction({
    type: "legacy",
    chainId: 1,
    nonce: 0,
    gas: 60_000n,
    gasPrice: 1n,
    to: USDC,
  });
  eip1559 = await account.signTransaction({
    type: "eip1559",
    chainId: 1,
    nonce: 1,
    gas: 60_000n,
    ...fees,
    to: WETH,
  });
  eip1559ToOther = await account.signTransaction({
    type: "eip1559",
    chainId: 1,
    nonce: 2,
    gas: 21_000n,
    ...fees,
    to: OTHER,
  });
  creation = await account.signTransaction({
    type: "eip1559",
    chainId: 1,
    nonce: 3,
    gas: 90_000n,
    ...fees,
    data: "0x6000",
  });
});

describe("eth_call and eth_estimateGas: the to address", () => {
  test.each(["eth_call", "eth_estimateGas", "eth_createAccessList", "debug_traceCall", "trace_call"])(
    "%s to an allowed contract, in any case, passes; to another is refused",
    (method) => {
      expect(code(method, [{ to: USDC.toLowerCase(), data: "0x" }, "latest"])).toBeUndefined();
      expect(code(method, [{ to: WETH.toUpperCase().replace("0X", "0x") }, "latest"])).toBeUndefined();
      expect(code(method, [{ to: OTHER }, "latest"])).toBe("contract_not_allowed");
    },
  );

  test("a call without to (a contract creation) is refused", () => {
    expect(code("eth_estimateGas", [{ data: "0x6000" }])).toBe("contract_not_allowed");
    expect(code("eth_call", [{ to: null, data: "0x6000" }, "latest"])).toBe("contract_not_allowed");
    expect(checkCall(rules, { method: "eth_call", params: [{ data: "0x" }] })?.message).toBe(
      "eth_call without a to address (a contract creation) is refused: this key serves only the contracts in its allowedContracts; name one of them",
    );
  });

  test.each([[[]], [["latest"]], [[{ to: 7 }]], [undefined], [{ to: USDC }]])(
    "unreadable params %j are refused, never thrown",
    (params) => {
      expect(code("eth_call", params)).toBe("contract_not_allowed");
    },
  );

  test("the refusal names the contract, the method and the field", () => {
    const refusal = checkCall(rules, { method: "eth_call", params: [{ to: OTHER }, "latest"] });
    expect(refusal?.message).toBe(
      `contract ${OTHER} is not allowed for this key (eth_call to): add it to allowedContracts`,
    );
    expect(refusal?.toJsonRpc()).toEqual({
      code: -32016,
      message: refusal?.message,
      data: { contract: OTHER, code: "contract_not_allowed" },
    });
    expect(refusal?.httpStatus).toBe(403);
  });

  test("a method spelled in another case is still covered", () => {
    expect(code("ETH_CALL", [{ to: OTHER }])).toBe("contract_not_allowed");
  });
});

describe("eth_simulateV1 and trace_callMany: every call's to", () => {
  test("eth_simulateV1 passes when every call is to an allowed contract", () => {
    const params = [
      { blockStateCalls: [{ calls: [{ to: USDC }] }, { calls: [{ to: WETH }, { to: USDC }] }] },
    ];
    expect(code("eth_simulateV1", params)).toBeUndefined();
  });

  test.each([
    [[{ blockStateCalls: [{ calls: [{ to: USDC }, { to: OTHER }] }] }]],
    [[{ blockStateCalls: [{ calls: [{ data: "0x6000" }] }] }]],
    [[{ blockStateCalls: [] }]],
    [[{}]],
  ])("eth_simulateV1 %j is refused", (params) => {
    expect(code("eth_simulateV1", params)).toBe("contract_not_allowed");
  });

  test("trace_callMany reads the call of each pair", () => {
    expect(
      code("trace_callMany", [
        [
          [{ to: USDC }, ["trace"]],
          [{ to: WETH }, ["trace"]],
        ],
        "latest",
      ]),
    ).toBe(undefined);
    expect(
      code("trace_callMany", [
        [
          [{ to: USDC }, ["trace"]],
          [{ to: OTHER }, ["trace"]],
        ],
      ]),
    ).toBe("contract_not_allowed");
  });
});

describe("eth_getLogs, eth_newFilter and eth_subscribe logs: every address of the filter", () => {
  test.each(["eth_getLogs", "eth_newFilter"])("%s", (method) => {
    expect(code(method, [{ address: USDC, fromBlock: "0x1" }])).toBeUndefined();
    expect(code(method, [{ address: [USDC, WETH] }])).toBeUndefined();
    expect(code(method, [{ address: OTHER }])).toBe("contract_not_allowed");
    expect(code(method, [{ address: [USDC, OTHER] }])).toBe("contract_not_allowed");
    expect(code(method, [{ fromBlock: "0x1", toBlock: "0x2" }])).toBe("contract_not_allowed");
    expect(code(method, [{ address: [] }])).toBe("contract_not_allowed");
    expect(code(method, [{ address: null }])).toBe("contract_not_allowed");
    expect(code(method, [{ address: [USDC, 5] }])).toBe("contract_not_allowed");
    expect(code(method, [])).toBe("contract_not_allowed");
  });

  test("a filter without an address says why it is refused", () => {
    const refusal = checkCall(rules, { method: "eth_getLogs", params: [{ fromBlock: "0x1" }] });
    expect(refusal?.message).toMatch(
      /^eth_getLogs without an address filter \(it would match the logs of every contract\) is refused/,
    );
  });

  test("the refusal names the first address not allowed", () => {
    const refusal = checkCall(rules, { method: "eth_getLogs", params: [{ address: [USDC, OTHER] }] });
    expect(refusal?.message).toBe(
      `contract ${OTHER} is not allowed for this key (eth_getLogs address): add it to allowedContracts`,
    );
  });

  test("eth_subscribe logs is covered; other subscriptions are not", () => {
    expect(code("eth_subscribe", ["logs", { address: [USDC] }])).toBeUndefined();
    expect(code("eth_subscribe", ["logs", { address: OTHER }])).toBe("contract_not_allowed");
    expect(code("eth_subscribe", ["logs", {}])).toBe("contract_not_allowed");
    expect(code("eth_subscribe", ["logs"])).toBe("contract_not_allowed");
    expect(code("eth_subscribe", ["newHeads"])).toBeUndefined();
    expect(contractsOf("eth_subscribe", ["newPendingTransactions"])).toBeUndefined();
  });
});

describe("sends: the to of each signed transaction", () => {
  test("eth_sendRawTransaction of a legacy and an EIP-1559 transaction to allowed contracts passes", () => {
    expect(contractsOf("eth_sendRawTransaction", [legacy])).toEqual({
      addresses: [USDC.toLowerCase()],
      field: "to",
    });
    expect(code("eth_sendRawTransaction", [legacy])).toBeUndefined();
    expect(code("eth_sendRawTransaction", [eip1559])).toBeUndefined();
  });

  test("a transaction to another address is refused, naming it", () => {
    const refusal = checkCall(rules, { method: "eth_sendRawTransaction", params: [eip1559ToOther] });
    expect(refusal?.code).toBe("contract_not_allowed");
    expect(refusal?.message).toBe(
      `contract ${OTHER} is not allowed for this key (eth_sendRawTransaction to): add it to allowedContracts`,
    );
  });

  test("a contract creation is refused", () => {
    expect(code("eth_sendRawTransaction", [creation])).toBe("contract_not_allowed");
  });

  test.each([[["0x1234"]], [["not hex"]], [[]], [undefined]])(
    "undecodable %j is refused, never thrown",
    (params) => {
      expect(code("eth_sendRawTransaction", params)).toBe("contract_not_allowed");
    },
  );

  test.each([
    "eth_sendRawTransactionConditional",
    "eth_sendRawTransactionSync",
    "eth_sendPrivateRawTransaction",
  ])("%s reads its one raw transaction", (method) => {
    expect(code(method, [legacy, {}])).toBeUndefined();
    expect(code(method, [eip1559ToOther, {}])).toBe("contract_not_allowed");
  });

  test("eth_sendPrivateTransaction reads its tx; eth_sendBundle every one of its txs", () => {
    expect(code("eth_sendPrivateTransaction", [{ tx: eip1559 }])).toBeUndefined();
    expect(code("eth_sendPrivateTransaction", [{ tx: eip1559ToOther }])).toBe("contract_not_allowed");
    expect(code("eth_sendBundle", [{ txs: [legacy, eip1559], blockNumber: "0x1" }])).toBeUndefined();
    expect(code("eth_sendBundle", [{ txs: [legacy, eip1559ToOther], blockNumber: "0x1" }])).toBe(
      "contract_not_allowed",
    );
    expect(code("eth_sendBundle", [{ txs: [legacy, creation] }])).toBe("contract_not_allowed");
  });

  test("a send method the gateway cannot decode is refused under a contract list", () => {
    expect(code("eth_sendUserOperation", [{ sender: USDC }])).toBe("contract_not_allowed");
    expect(code("qn_broadcastRawTransaction", [legacy])).toBe("contract_not_allowed");
  });
});

describe("what contracts do not cover", () => {
  test.each([
    ["eth_getBalance", [OTHER, "latest"]],
    ["eth_getCode", [OTHER, "latest"]],
    ["eth_blockNumber", []],
    ["eth_getTransactionReceipt", ["0x00"]],
  ])("%s is not restricted", (method, params) => {
    expect(contractsOf(method, params)).toBeUndefined();
    expect(code(method, params)).toBeUndefined();
  });

  test("a key without a contract list never reads the params", () => {
    const none = compileRules({ allowedChains: ["mainnet"] });
    expect(checkCall(none, { method: "eth_call", params: [{ data: "0x6000" }] })).toBeUndefined();
    expect(checkCall(none, { method: "eth_getLogs", params: [{}] })).toBeUndefined();
  });

  test("methods are checked before contracts", () => {
    const both = compileRules({ allowedMethods: ["eth_getLogs"], allowedContracts: [USDC] });
    expect(checkCall(both, { method: "eth_call", params: [{ to: OTHER }] })?.code).toBe(
      "method_not_allowed_for_key",
    );
    expect(checkCall(both, { method: "eth_getLogs", params: [{ address: OTHER }] })?.code).toBe(
      "contract_not_allowed",
    );
    expect(checkCall(both, { method: "eth_getLogs", params: [{ address: USDC }] })).toBeUndefined();
  });
});

describe("what would run other code at an allowed address, or read as another address on a node", () => {
  const call = { to: USDC, data: "0x" };
  test.each([
    ["eth_call with state overrides", "eth_call", [call, "latest", { [USDC]: { code: "0x00" } }]],
    ["eth_call with block overrides", "eth_call", [call, "latest", null, { number: "0x1" }]],
    [
      "eth_estimateGas with state overrides",
      "eth_estimateGas",
      [call, "latest", { [USDC]: { balance: "0x1" } }],
    ],
    ["eth_createAccessList with overrides", "eth_createAccessList", [call, "latest", { [OTHER]: {} }]],
    [
      "debug_traceCall with stateOverrides",
      "debug_traceCall",
      [call, "latest", { stateOverrides: { [USDC]: {} } }],
    ],
    [
      "debug_traceCall with StateOverrides",
      "debug_traceCall",
      [call, "latest", { StateOverrides: { [USDC]: {} } }],
    ],
    ["trace_call with a fourth param", "trace_call", [call, ["trace"], "latest", { [USDC]: {} }]],
    [
      "eth_simulateV1 with stateOverrides",
      "eth_simulateV1",
      [{ blockStateCalls: [{ stateOverrides: { [USDC]: { code: "0x00" } }, calls: [call] }] }, "latest"],
    ],
    ["a second To key", "eth_call", [{ to: USDC, To: OTHER }, "latest"]],
    ["a second Address key", "eth_getLogs", [{ address: USDC, Address: OTHER }]],
  ])("%s is refused", (_, method, params) => {
    expect(code(method, params)).toBe("contract_not_allowed");
  });

  test.each([
    ["eth_call with an empty override object", "eth_call", [call, "latest", {}]],
    ["debug_traceCall with a tracer", "debug_traceCall", [call, "latest", { tracer: "callTracer" }]],
    ["trace_call with its block", "trace_call", [call, ["trace"], "latest"]],
  ])("%s is allowed", (_, method, params) => {
    expect(code(method, params)).toBeUndefined();
  });
});
