/** What a call needs from an upstream, read from real method + params shapes. */
import { describe, expect, test } from "vitest";
import { type CallNeeds, callNeeds } from "../../../shared/routing/callNeeds";

const ADDRESS = "0x2F4a5bD6E7f8091a2B3c4d5E6F708192a3B4c5D6";
const HASH = "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b";
const TX = { to: ADDRESS, data: "0x70a08231" };

interface Case {
  name: string;
  method: string;
  params: unknown;
  needs: CallNeeds;
}

const READ = { kind: "read", capability: undefined } as const;

const CASES: Case[] = [
  // State reads pinned by the block parameter.
  {
    name: "eth_getBalance at latest depends on the head",
    method: "eth_getBalance",
    params: [ADDRESS, "latest"],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_getBalance at a hex block pins that block",
    method: "eth_getBalance",
    params: [ADDRESS, "0x1b4"],
    needs: { ...READ, block: 436, lowestBlock: 436, headDependent: false, readsState: true },
  },
  {
    name: "eth_getBalance accepts upper-case hex digits",
    method: "eth_getBalance",
    params: [ADDRESS, "0xABC"],
    needs: { ...READ, block: 2748, lowestBlock: 2748, headDependent: false, readsState: true },
  },
  {
    name: "eth_getBalance at earliest pins block 0",
    method: "eth_getBalance",
    params: [ADDRESS, "earliest"],
    needs: { ...READ, block: 0, lowestBlock: 0, headDependent: false, readsState: true },
  },
  {
    name: "eth_getBalance at pending depends on the head",
    method: "eth_getBalance",
    params: [ADDRESS, "pending"],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_getBalance at safe depends on the head",
    method: "eth_getBalance",
    params: [ADDRESS, "safe"],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_getBalance at finalized depends on the head",
    method: "eth_getBalance",
    params: [ADDRESS, "finalized"],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_getBalance with an EIP-1898 {blockNumber} pins that block",
    method: "eth_getBalance",
    params: [ADDRESS, { blockNumber: "0x20" }],
    needs: { ...READ, block: 32, lowestBlock: 32, headDependent: false, readsState: true },
  },
  {
    name: "eth_getBalance with an EIP-1898 {blockNumber: latest} depends on the head",
    method: "eth_getBalance",
    params: [ADDRESS, { blockNumber: "latest" }],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  ...(["pending", "safe", "finalized"] as const).map(
    (tag): Case => ({
      name: `eth_getBalance with an EIP-1898 {blockNumber: ${tag}} depends on the head`,
      method: "eth_getBalance",
      params: [ADDRESS, { blockNumber: tag }],
      needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
    }),
  ),
  {
    name: "eth_getBalance with an EIP-1898 {blockNumber: earliest} pins block 0",
    method: "eth_getBalance",
    params: [ADDRESS, { blockNumber: "earliest" }],
    needs: { ...READ, block: 0, lowestBlock: 0, headDependent: false, readsState: true },
  },
  {
    name: "eth_getBalance with an EIP-1898 {blockNumber, requireCanonical} pins that block",
    method: "eth_getBalance",
    params: [ADDRESS, { blockNumber: "0x20", requireCanonical: false }],
    needs: { ...READ, block: 32, lowestBlock: 32, headDependent: false, readsState: true },
  },
  {
    name: "eth_getBalance with an EIP-1898 {blockNumber} holding no valid block is not pinned, and taken as head-dependent",
    method: "eth_getBalance",
    params: [ADDRESS, { blockNumber: "0xzz" }],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_getLogs with a block that is neither a number nor a known tag is taken as head-dependent",
    method: "eth_getLogs",
    params: [{ fromBlock: "0x10", toBlock: "Latest" }],
    needs: { ...READ, block: 16, lowestBlock: 16, headDependent: true, readsState: false },
  },
  {
    name: "eth_getBalance with an EIP-1898 {blockHash} is neither pinned nor head-dependent",
    method: "eth_getBalance",
    params: [ADDRESS, { blockHash: `0x${"ab".repeat(32)}` }],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: false, readsState: true },
  },
  {
    name: "eth_call with an EIP-1898 {blockNumber: latest} depends on the head",
    method: "eth_call",
    params: [TX, { blockNumber: "latest" }],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_call with an EIP-1898 {blockNumber} pins that block",
    method: "eth_call",
    params: [TX, { blockNumber: "0x64" }],
    needs: { ...READ, block: 100, lowestBlock: 100, headDependent: false, readsState: true },
  },
  {
    name: "eth_getBalance with an EIP-1898 {blockHash} names no number and does not depend on the head",
    method: "eth_getBalance",
    params: [ADDRESS, { blockHash: HASH, requireCanonical: true }],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: false, readsState: true },
  },
  {
    name: "eth_getBalance without a block param defaults to latest",
    method: "eth_getBalance",
    params: [ADDRESS],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_getBalance without params at all defaults to latest",
    method: "eth_getBalance",
    params: undefined,
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_call reads the block from its second param",
    method: "eth_call",
    params: [TX, "0x5"],
    needs: { ...READ, block: 5, lowestBlock: 5, headDependent: false, readsState: true },
  },
  {
    name: "eth_estimateGas without a block defaults to latest",
    method: "eth_estimateGas",
    params: [TX],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: true },
  },
  {
    name: "eth_getStorageAt reads the block from its third param",
    method: "eth_getStorageAt",
    params: [ADDRESS, "0x1", "0x7"],
    needs: { ...READ, block: 7, lowestBlock: 7, headDependent: false, readsState: true },
  },
  {
    name: "eth_getProof reads the block from its third param",
    method: "eth_getProof",
    params: [ADDRESS, ["0x0"], "0x10"],
    needs: { ...READ, block: 16, lowestBlock: 16, headDependent: false, readsState: true },
  },
  // Block lookups: pinned, but they read no state.
  {
    name: "eth_getBlockByNumber at a hex block pins it and reads no state",
    method: "eth_getBlockByNumber",
    params: ["0x1b4", true],
    needs: { ...READ, block: 436, lowestBlock: 436, headDependent: false, readsState: false },
  },
  {
    name: "eth_getBlockByNumber at latest depends on the head",
    method: "eth_getBlockByNumber",
    params: ["latest", false],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: false },
  },
  {
    name: "eth_getBlockByHash names no block and does not depend on the head",
    method: "eth_getBlockByHash",
    params: [HASH, false],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: false, readsState: false },
  },
  {
    name: "eth_getTransactionReceipt names no block and does not depend on the head",
    method: "eth_getTransactionReceipt",
    params: [HASH],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: false, readsState: false },
  },
  {
    name: "eth_feeHistory reads its newest block from the second param",
    method: "eth_feeHistory",
    params: ["0x4", "0x100", [25, 75]],
    needs: { ...READ, block: 256, lowestBlock: 256, headDependent: false, readsState: false },
  },
  {
    name: "eth_feeHistory up to latest depends on the head",
    method: "eth_feeHistory",
    params: ["0x4", "latest", [25, 75]],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: false },
  },
  // Log ranges.
  {
    name: "eth_getLogs over a hex range pins its highest block and starts at its lowest",
    method: "eth_getLogs",
    params: [{ fromBlock: "0x10", toBlock: "0x20", address: ADDRESS }],
    needs: { ...READ, block: 32, lowestBlock: 16, headDependent: false, readsState: false },
  },
  {
    name: "eth_getLogs from a hex block to latest pins the hex block (both bounds) and depends on the head",
    method: "eth_getLogs",
    params: [{ fromBlock: "0x10", toBlock: "latest" }],
    needs: { ...READ, block: 16, lowestBlock: 16, headDependent: true, readsState: false },
  },
  {
    name: "eth_getLogs with a missing toBlock runs to latest",
    method: "eth_getLogs",
    params: [{ fromBlock: "0x10" }],
    needs: { ...READ, block: 16, lowestBlock: 16, headDependent: true, readsState: false },
  },
  {
    name: "eth_getLogs with neither bound is latest to latest",
    method: "eth_getLogs",
    params: [{ address: ADDRESS }],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: false },
  },
  {
    name: "eth_getLogs from earliest to a hex block pins the hex block and starts at 0",
    method: "eth_getLogs",
    params: [{ fromBlock: "earliest", toBlock: "0x30" }],
    needs: { ...READ, block: 48, lowestBlock: 0, headDependent: false, readsState: false },
  },
  {
    name: "eth_getLogs over a range given high to low still reports highest and lowest",
    method: "eth_getLogs",
    params: [{ fromBlock: "0x20", toBlock: "0x10" }],
    needs: { ...READ, block: 32, lowestBlock: 16, headDependent: false, readsState: false },
  },
  {
    name: "eth_getLogs over a one-block range has the same highest and lowest block",
    method: "eth_getLogs",
    params: [{ fromBlock: "0x64", toBlock: "0x64" }],
    needs: { ...READ, block: 100, lowestBlock: 100, headDependent: false, readsState: false },
  },
  {
    name: "eth_getLogs from 0x64 to 0x3e8 spans 100..1000",
    method: "eth_getLogs",
    params: [{ fromBlock: "0x64", toBlock: "0x3e8" }],
    needs: { ...READ, block: 1_000, lowestBlock: 100, headDependent: false, readsState: false },
  },
  {
    name: "eth_getLogs from earliest to latest starts at 0 and depends on the head",
    method: "eth_getLogs",
    params: [{ fromBlock: "earliest", toBlock: "latest" }],
    needs: { ...READ, block: 0, lowestBlock: 0, headDependent: true, readsState: false },
  },
  {
    name: "eth_getLogs from latest to a hex block pins the hex block and depends on the head",
    method: "eth_getLogs",
    params: [{ fromBlock: "latest", toBlock: "0x10" }],
    needs: { ...READ, block: 16, lowestBlock: 16, headDependent: true, readsState: false },
  },
  {
    name: "eth_getLogs by blockHash names no block and does not depend on the head",
    method: "eth_getLogs",
    params: [{ blockHash: HASH, address: ADDRESS }],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: false, readsState: false },
  },
  // Head-only methods.
  {
    name: "eth_blockNumber depends on the head",
    method: "eth_blockNumber",
    params: [],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: false },
  },
  {
    name: "eth_gasPrice depends on the head",
    method: "eth_gasPrice",
    params: [],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: true, readsState: false },
  },
  {
    name: "eth_chainId needs nothing",
    method: "eth_chainId",
    params: [],
    needs: { ...READ, block: undefined, lowestBlock: undefined, headDependent: false, readsState: false },
  },
  // Sends and filters.
  {
    name: "eth_sendRawTransaction is a send that depends on the head",
    method: "eth_sendRawTransaction",
    params: ["0x02f86c0180843b9aca00"],
    needs: {
      kind: "send",
      block: undefined,
      lowestBlock: undefined,
      headDependent: true,
      readsState: false,
      capability: undefined,
    },
  },
  {
    name: "eth_sendTransaction is a send",
    method: "eth_sendTransaction",
    params: [TX],
    needs: {
      kind: "send",
      block: undefined,
      lowestBlock: undefined,
      headDependent: false,
      readsState: false,
      capability: undefined,
    },
  },
  ...[
    "eth_newFilter",
    "eth_newBlockFilter",
    "eth_newPendingTransactionFilter",
    "eth_getFilterChanges",
    "eth_getFilterLogs",
    "eth_uninstallFilter",
  ].map(
    (method): Case => ({
      name: `${method} is stateful`,
      method,
      params: method === "eth_newFilter" ? [{ fromBlock: "0x10" }] : ["0x1"],
      needs: {
        kind: "stateful",
        block: undefined,
        lowestBlock: undefined,
        headDependent: false,
        readsState: false,
        capability: undefined,
      },
    }),
  ),
  // Trace and debug.
  {
    name: "trace_block needs trace and pins its block",
    method: "trace_block",
    params: ["0x10"],
    needs: {
      kind: "read",
      block: 16,
      lowestBlock: 16,
      headDependent: false,
      readsState: true,
      capability: "trace",
    },
  },
  {
    name: "trace_call reads the block from its third param",
    method: "trace_call",
    params: [TX, ["trace"], "0x11"],
    needs: {
      kind: "read",
      block: 17,
      lowestBlock: 17,
      headDependent: false,
      readsState: true,
      capability: "trace",
    },
  },
  {
    name: "trace_transaction needs trace and names no block",
    method: "trace_transaction",
    params: [HASH],
    needs: {
      kind: "read",
      block: undefined,
      lowestBlock: undefined,
      headDependent: false,
      readsState: false,
      capability: "trace",
    },
  },
  {
    name: "trace_filter needs trace",
    method: "trace_filter",
    params: [{ fromBlock: "0x1", toBlock: "0x2" }],
    needs: {
      kind: "read",
      block: undefined,
      lowestBlock: undefined,
      headDependent: false,
      readsState: false,
      capability: "trace",
    },
  },
  {
    name: "debug_traceTransaction needs debug and names no block",
    method: "debug_traceTransaction",
    params: [HASH, { tracer: "callTracer" }],
    needs: {
      kind: "read",
      block: undefined,
      lowestBlock: undefined,
      headDependent: false,
      readsState: false,
      capability: "debug",
    },
  },
  {
    name: "debug_traceCall at latest needs debug and depends on the head",
    method: "debug_traceCall",
    params: [TX, "latest", { tracer: "callTracer" }],
    needs: {
      kind: "read",
      block: undefined,
      lowestBlock: undefined,
      headDependent: true,
      readsState: true,
      capability: "debug",
    },
  },
  {
    name: "debug_traceBlockByNumber needs debug and pins its block",
    method: "debug_traceBlockByNumber",
    params: ["0x12", { tracer: "callTracer" }],
    needs: {
      kind: "read",
      block: 18,
      lowestBlock: 18,
      headDependent: false,
      readsState: true,
      capability: "debug",
    },
  },
];

describe("callNeeds", () => {
  test.each(CASES)("$name", ({ method, params, needs }) => {
    // Strict: every field, lowestBlock included, must be present even when undefined.
    expect(callNeeds(method, params)).toStrictEqual(needs);
  });

  test("in every case above, lowestBlock is set exactly when block is, and never above it", () => {
    for (const { name, method, params } of CASES) {
      const { block, lowestBlock } = callNeeds(method, params);
      expect(lowestBlock === undefined, name).toBe(block === undefined);
      if (block !== undefined && lowestBlock !== undefined) {
        expect(lowestBlock, name).toBeLessThanOrEqual(block);
      }
    }
  });
});
