/** Which answers are cached, and for how long. */
import { describe, expect, test } from "vitest";
import {
  blockOfAnswer,
  type CacheClass,
  cacheClassOf,
  type KeepForParameters,
  keepForMs,
} from "../../../shared/cache/policy";
import { callNeeds } from "../../../shared/routing/callNeeds";

const ADDRESS = "0x2F4a5bD6E7f8091a2B3c4d5E6F708192a3B4c5D6";
const HASH = "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b";
const hex = (n: number) => `0x${n.toString(16)}`;
const classOf = (method: string, params: unknown) => cacheClassOf(method, callNeeds(method, params));

describe("cacheClassOf", () => {
  test.each<{ name: string; method: string; params: unknown; cacheClass: CacheClass }>([
    // forever
    { name: "eth_chainId", method: "eth_chainId", params: [], cacheClass: "forever" },
    { name: "net_version", method: "net_version", params: [], cacheClass: "forever" },
    { name: "eth_chainId without params", method: "eth_chainId", params: undefined, cacheClass: "forever" },
    // head
    { name: "eth_blockNumber", method: "eth_blockNumber", params: [], cacheClass: "head" },
    { name: "eth_gasPrice", method: "eth_gasPrice", params: [], cacheClass: "head" },
    { name: "eth_maxPriorityFeePerGas", method: "eth_maxPriorityFeePerGas", params: [], cacheClass: "head" },
    { name: "eth_blobBaseFee", method: "eth_blobBaseFee", params: [], cacheClass: "head" },
    // hash
    { name: "eth_getBlockByHash", method: "eth_getBlockByHash", params: [HASH, false], cacheClass: "hash" },
    {
      name: "eth_getTransactionByHash",
      method: "eth_getTransactionByHash",
      params: [HASH],
      cacheClass: "hash",
    },
    {
      name: "eth_getTransactionReceipt",
      method: "eth_getTransactionReceipt",
      params: [HASH],
      cacheClass: "hash",
    },
    {
      name: "eth_getTransactionByBlockHashAndIndex",
      method: "eth_getTransactionByBlockHashAndIndex",
      params: [HASH, "0x0"],
      cacheClass: "hash",
    },
    // number
    {
      name: "eth_getBlockByNumber at a number",
      method: "eth_getBlockByNumber",
      params: ["0x10", false],
      cacheClass: "number",
    },
    {
      name: "eth_getBlockByNumber at earliest",
      method: "eth_getBlockByNumber",
      params: ["earliest", false],
      cacheClass: "number",
    },
    {
      name: "eth_getBalance at a number",
      method: "eth_getBalance",
      params: [ADDRESS, "0x10"],
      cacheClass: "number",
    },
    {
      name: "eth_getBalance at an EIP-1898 {blockNumber}",
      method: "eth_getBalance",
      params: [ADDRESS, { blockNumber: "0x10" }],
      cacheClass: "number",
    },
    {
      name: "eth_getStorageAt at a number",
      method: "eth_getStorageAt",
      params: [ADDRESS, "0x0", "0x10"],
      cacheClass: "number",
    },
    {
      name: "eth_call at a number",
      method: "eth_call",
      params: [{ to: ADDRESS, data: "0x" }, "0x10"],
      cacheClass: "number",
    },
    {
      name: "eth_getBlockReceipts at a number",
      method: "eth_getBlockReceipts",
      params: ["0x10"],
      cacheClass: "number",
    },
    {
      name: "eth_getLogs with a numeric range",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x10", toBlock: "0x20", address: ADDRESS }],
      cacheClass: "number",
    },
    {
      name: "eth_getLogs from earliest to a number",
      method: "eth_getLogs",
      params: [{ fromBlock: "earliest", toBlock: "0x20" }],
      cacheClass: "number",
    },
    // none: block tags
    ...["latest", "safe", "finalized", "pending"].flatMap((tag) => [
      {
        name: `eth_getBlockByNumber at ${tag}`,
        method: "eth_getBlockByNumber",
        params: [tag, false],
        cacheClass: "none" as const,
      },
      {
        name: `eth_getBalance at ${tag}`,
        method: "eth_getBalance",
        params: [ADDRESS, tag],
        cacheClass: "none" as const,
      },
      {
        name: `eth_call at an EIP-1898 {blockNumber: ${tag}}`,
        method: "eth_call",
        params: [{ to: ADDRESS }, { blockNumber: tag }],
        cacheClass: "none" as const,
      },
    ]),
    {
      name: "eth_getBalance with no block param (latest)",
      method: "eth_getBalance",
      params: [ADDRESS],
      cacheClass: "none",
    },
    {
      name: "eth_call with no block param (latest)",
      method: "eth_call",
      params: [{ to: ADDRESS, data: "0x" }],
      cacheClass: "none",
    },
    {
      name: "eth_getBlockByNumber with no params",
      method: "eth_getBlockByNumber",
      params: [],
      cacheClass: "none",
    },
    // none: eth_getLogs not fully numeric
    {
      name: "eth_getLogs from a number to latest",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x10", toBlock: "latest" }],
      cacheClass: "none",
    },
    {
      name: "eth_getLogs from safe to a number",
      method: "eth_getLogs",
      params: [{ fromBlock: "safe", toBlock: "0x20" }],
      cacheClass: "none",
    },
    {
      name: "eth_getLogs from a number with no toBlock (latest)",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x10" }],
      cacheClass: "none",
    },
    {
      name: "eth_getLogs with no range at all",
      method: "eth_getLogs",
      params: [{ address: ADDRESS }],
      cacheClass: "none",
    },
    {
      name: "eth_getLogs by blockHash",
      method: "eth_getLogs",
      params: [{ blockHash: HASH }],
      cacheClass: "none",
    },
    { name: "eth_getLogs with no filter", method: "eth_getLogs", params: [], cacheClass: "none" },
    // none: EIP-1898 by hash
    {
      name: "eth_getBalance at an EIP-1898 {blockHash}",
      method: "eth_getBalance",
      params: [ADDRESS, { blockHash: HASH }],
      cacheClass: "none",
    },
    {
      name: "eth_call at an EIP-1898 {blockHash, requireCanonical}",
      method: "eth_call",
      params: [{ to: ADDRESS }, { blockHash: HASH, requireCanonical: true }],
      cacheClass: "none",
    },
    // none: sends, filters, subscriptions, unknown methods
    {
      name: "eth_sendRawTransaction",
      method: "eth_sendRawTransaction",
      params: ["0xf86c"],
      cacheClass: "none",
    },
    {
      name: "eth_newFilter",
      method: "eth_newFilter",
      params: [{ fromBlock: "0x10", toBlock: "0x20" }],
      cacheClass: "none",
    },
    { name: "eth_newBlockFilter", method: "eth_newBlockFilter", params: [], cacheClass: "none" },
    { name: "eth_getFilterChanges", method: "eth_getFilterChanges", params: ["0x1"], cacheClass: "none" },
    { name: "eth_getFilterLogs", method: "eth_getFilterLogs", params: ["0x1"], cacheClass: "none" },
    { name: "eth_subscribe", method: "eth_subscribe", params: ["newHeads"], cacheClass: "none" },
    { name: "eth_syncing", method: "eth_syncing", params: [], cacheClass: "none" },
    { name: "an unknown method", method: "eth_somethingNew", params: ["0x10"], cacheClass: "none" },
    { name: "an unknown method without params", method: "foo", params: undefined, cacheClass: "none" },
  ])("$name is $cacheClass", ({ method, params, cacheClass }) => {
    expect(classOf(method, params)).toBe(cacheClass);
  });
});

describe("keepForMs", () => {
  const keep = (overrides: Partial<KeepForParameters>) =>
    keepForMs({
      cacheClass: "number",
      block: 100,
      resultRaw: '"0x1"',
      finalized: 100,
      blockTimeMs: 12_000,
      ...overrides,
    });

  test.each<{ name: string; overrides: Partial<KeepForParameters>; ms: number | undefined }>([
    // forever
    {
      name: "forever, whatever the block and finality",
      overrides: { cacheClass: "forever", block: undefined, finalized: undefined },
      ms: Infinity,
    },
    // head
    { name: "head, for half a block", overrides: { cacheClass: "head", blockTimeMs: 12_000 }, ms: 6_000 },
    { name: "head, rounded down", overrides: { cacheClass: "head", blockTimeMs: 2_001 }, ms: 1_000 },
    {
      name: "head, with finality unknown",
      overrides: { cacheClass: "head", blockTimeMs: 250, finalized: undefined },
      ms: 125,
    },
    {
      name: "head, never below 1 ms (block time 1)",
      overrides: { cacheClass: "head", blockTimeMs: 1 },
      ms: 1,
    },
    {
      name: "head, never below 1 ms (block time 0)",
      overrides: { cacheClass: "head", blockTimeMs: 0 },
      ms: 1,
    },
    // number
    { name: "number at the finalized block", overrides: { block: 100, finalized: 100 }, ms: Infinity },
    { name: "number below the finalized block", overrides: { block: 5, finalized: 100 }, ms: Infinity },
    { name: "number at block 0 (earliest)", overrides: { block: 0, finalized: 100 }, ms: Infinity },
    {
      name: "number one above the finalized block",
      overrides: { block: 101, finalized: 100 },
      ms: undefined,
    },
    { name: "number with finality unknown", overrides: { block: 5, finalized: undefined }, ms: undefined },
    { name: "number without a block", overrides: { block: undefined, finalized: 100 }, ms: undefined },
    { name: "an empty list for a final range", overrides: { resultRaw: "[]", block: 100 }, ms: Infinity },
    { name: "an empty list above finality", overrides: { resultRaw: "[]", block: 101 }, ms: undefined },
    {
      name: "an empty list with finality unknown",
      overrides: { resultRaw: "[]", block: 5, finalized: undefined },
      ms: undefined,
    },
    // null is never kept
    { name: "null for a final number", overrides: { resultRaw: "null", block: 5 }, ms: undefined },
    { name: "null for forever", overrides: { cacheClass: "forever", resultRaw: "null" }, ms: undefined },
    { name: "null for head", overrides: { cacheClass: "head", resultRaw: "null" }, ms: undefined },
    { name: "null for hash", overrides: { cacheClass: "hash", resultRaw: "null" }, ms: undefined },
    // hash: the answer's block
    {
      name: "hash, a receipt in a final block",
      overrides: {
        cacheClass: "hash",
        block: undefined,
        resultRaw: `{"blockNumber":"${hex(100)}","status":"0x1"}`,
      },
      ms: Infinity,
    },
    {
      name: "hash, a transaction below finality",
      overrides: {
        cacheClass: "hash",
        block: undefined,
        resultRaw: `{"blockNumber":"${hex(50)}","hash":"${HASH}"}`,
      },
      ms: Infinity,
    },
    {
      name: "hash, a receipt one block above finality",
      overrides: { cacheClass: "hash", block: undefined, resultRaw: `{"blockNumber":"${hex(101)}"}` },
      ms: undefined,
    },
    {
      name: "hash, a final block",
      overrides: {
        cacheClass: "hash",
        block: undefined,
        resultRaw: `{"number":"${hex(99)}","hash":"${HASH}"}`,
      },
      ms: Infinity,
    },
    {
      name: "hash, a block above finality",
      overrides: { cacheClass: "hash", block: undefined, resultRaw: `{"number":"${hex(200)}"}` },
      ms: undefined,
    },
    {
      name: "hash, a pending transaction (blockNumber null)",
      overrides: { cacheClass: "hash", block: undefined, resultRaw: `{"blockNumber":null,"hash":"${HASH}"}` },
      ms: undefined,
    },
    {
      name: "hash, a final block with finality unknown",
      overrides: { cacheClass: "hash", resultRaw: `{"number":"0x1"}`, finalized: undefined },
      ms: undefined,
    },
    {
      name: "hash, the call's block is ignored: the answer decides",
      overrides: { cacheClass: "hash", block: 1, resultRaw: `{"number":"${hex(200)}"}` },
      ms: undefined,
    },
    {
      name: "hash, an answer that names no block",
      overrides: { cacheClass: "hash", block: 1, resultRaw: `{"hash":"${HASH}"}` },
      ms: undefined,
    },
    {
      name: "hash, an empty list",
      overrides: { cacheClass: "hash", block: 1, resultRaw: "[]" },
      ms: undefined,
    },
    {
      name: "hash, malformed JSON",
      overrides: { cacheClass: "hash", block: 1, resultRaw: '{"number":"0x1"' },
      ms: undefined,
    },
    // none
    { name: "none, even for a final block", overrides: { cacheClass: "none", block: 5 }, ms: undefined },
    { name: "none, a chain id answer", overrides: { cacheClass: "none", resultRaw: '"0x1"' }, ms: undefined },
  ])("$name: $ms", ({ overrides, ms }) => {
    expect(keep(overrides)).toBe(ms);
  });

  test.each<{ name: string; params: unknown; finalized: number; ms: number | undefined }>([
    {
      name: "a log range ending at finality",
      params: [{ fromBlock: hex(90), toBlock: hex(100) }],
      finalized: 100,
      ms: Infinity,
    },
    {
      name: "a log range starting final but ending above finality",
      params: [{ fromBlock: hex(90), toBlock: hex(101) }],
      finalized: 100,
      ms: undefined,
    },
    {
      name: "a reversed log range whose higher end is above finality",
      params: [{ fromBlock: hex(101), toBlock: hex(90) }],
      finalized: 100,
      ms: undefined,
    },
  ])("eth_getLogs []: $name is kept for $ms", ({ params, finalized, ms }) => {
    const needs = callNeeds("eth_getLogs", params);
    expect(
      keepForMs({
        cacheClass: cacheClassOf("eth_getLogs", needs),
        block: needs.block,
        resultRaw: "[]",
        finalized,
        blockTimeMs: 12_000,
      }),
    ).toBe(ms);
  });
});

describe("blockOfAnswer", () => {
  test.each<{ name: string; raw: string; block: number | undefined }>([
    { name: "a block's number", raw: `{"number":"0x10","hash":"${HASH}"}`, block: 16 },
    { name: "a receipt's blockNumber", raw: `{"blockNumber":"0x1b4","status":"0x1"}`, block: 436 },
    { name: "upper-case hex", raw: `{"blockNumber":"0xAbC"}`, block: 0xabc },
    { name: "block 0", raw: `{"number":"0x0"}`, block: 0 },
    {
      name: "blockNumber over number when both are given",
      raw: `{"blockNumber":"0x2","number":"0x3"}`,
      block: 2,
    },
    { name: "number when blockNumber is null", raw: `{"blockNumber":null,"number":"0x3"}`, block: 3 },
    { name: "a pending transaction", raw: `{"blockNumber":null}`, block: undefined },
    { name: "a number as a JSON number", raw: `{"number":16}`, block: undefined },
    { name: "a decimal string", raw: `{"number":"16"}`, block: undefined },
    { name: "a bare 0x", raw: `{"number":"0x"}`, block: undefined },
    { name: "a hex string too long for a block number", raw: `{"number":"${HASH}"}`, block: undefined },
    { name: "an object without a block", raw: `{"hash":"${HASH}"}`, block: undefined },
    { name: "an array", raw: `[{"number":"0x10"}]`, block: undefined },
    { name: "a string", raw: `"0x10"`, block: undefined },
    { name: "null", raw: "null", block: undefined },
    { name: "malformed JSON", raw: `{"number":"0x10"`, block: undefined },
    { name: "an empty string", raw: "", block: undefined },
  ])("$name: $block", ({ raw, block }) => {
    expect(blockOfAnswer(raw)).toBe(block);
  });
});
