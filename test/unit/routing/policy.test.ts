/** Retry, hedging and stale-empty rules; in the style of erpc's policy tests. */
import { describe, expect, test } from "vitest";
import { type CallKind, callNeeds } from "../../../shared/routing/callNeeds";
import {
  clientCostly,
  emptyMayBeStale,
  type FailureFault,
  HEDGE_MAX_MS,
  HEDGE_MIN_MS,
  HEDGE_UNKNOWN_MS,
  hedgeDelayMs,
  hedges,
  isEmptyResult,
  isHeavy,
  retriesAfter,
} from "../../../shared/routing/policy";

const ADDRESS = "0x2F4a5bD6E7f8091a2B3c4d5E6F708192a3B4c5D6";
const HASH = "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b";
const hex = (n: number) => `0x${n.toString(16)}`;

describe("retriesAfter", () => {
  test.each<{ kind: CallKind; fault: FailureFault; retries: boolean }>([
    { kind: "read", fault: "node", retries: true },
    { kind: "read", fault: "throttled", retries: true },
    { kind: "send", fault: "node", retries: true },
    { kind: "send", fault: "throttled", retries: true },
    { kind: "stateful", fault: "node", retries: false },
    { kind: "stateful", fault: "throttled", retries: true },
  ])("a $kind call after a $fault failure: $retries", ({ kind, fault, retries }) => {
    expect(retriesAfter(kind, fault)).toBe(retries);
  });
});

describe("hedges", () => {
  test.each<{ kind: CallKind; method: string; hedged: boolean }>([
    { kind: "read", method: "eth_getBalance", hedged: true },
    { kind: "read", method: "eth_call", hedged: true },
    { kind: "send", method: "eth_sendRawTransaction", hedged: false },
    { kind: "stateful", method: "eth_getFilterChanges", hedged: false },
    { kind: "read", method: "eth_getLogs", hedged: false },
    { kind: "read", method: "trace_block", hedged: false },
    { kind: "read", method: "debug_traceCall", hedged: false },
  ])("a $kind call ($method) is hedged: $hedged", ({ kind, method, hedged }) => {
    expect(hedges(kind, method)).toBe(hedged);
  });
});

describe("isHeavy", () => {
  test.each([
    ["eth_getLogs", true],
    ["trace_replayBlockTransactions", true],
    ["debug_traceTransaction", true],
    ["eth_getBlockByNumber", false],
    ["eth_call", false],
  ])("%s is heavy: %s", (method, heavy) => {
    expect(isHeavy(method)).toBe(heavy);
  });
});

describe("clientCostly", () => {
  test.each([
    ["eth_call", true],
    ["eth_estimateGas", true],
    ["eth_createAccessList", true],
    ["eth_simulateV1", true],
    ["eth_getLogs", true],
    ["trace_call", true],
    ["debug_traceCall", true],
    ["eth_getBalance", false],
    ["eth_blockNumber", false],
    ["eth_sendRawTransaction", false],
    ["eth_getBlockByNumber", false],
    ["x_upstream", false],
  ])("%s's timeout is the client's: %s", (method, costly) => {
    expect(clientCostly(method)).toBe(costly);
  });

  test("every heavy call is client-costly", () => {
    for (const method of ["eth_getLogs", "trace_block", "debug_traceTransaction"]) {
      expect(isHeavy(method) && clientCostly(method)).toBe(true);
    }
  });
});

describe("isEmptyResult", () => {
  test.each([
    { raw: "null", empty: true },
    { raw: "[]", empty: true },
    { raw: '"0x"', empty: false },
    { raw: '"0x0"', empty: false },
    { raw: "{}", empty: false },
    { raw: "[{}]", empty: false },
    { raw: "false", empty: false },
    { raw: "0", empty: false },
  ])("$raw is empty: $empty", ({ raw, empty }) => {
    expect(isEmptyResult(raw)).toBe(empty);
  });
});

describe("emptyMayBeStale", () => {
  test.each<{
    name: string;
    method: string;
    params: unknown[];
    upstreamHead: number | undefined;
    maxHead: number | undefined;
    stale: boolean;
  }>([
    {
      name: "a lagging upstream's empty answer for latest",
      method: "eth_getLogs",
      params: [{ address: ADDRESS }],
      upstreamHead: 995,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "an up-to-date upstream's empty answer for latest",
      method: "eth_getLogs",
      params: [{ address: ADDRESS }],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "an empty answer for a block the upstream has not reached",
      method: "eth_getLogs",
      params: [{ fromBlock: hex(900), toBlock: hex(990) }],
      upstreamHead: 980,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "an authoritative empty eth_getLogs from an upstream past the range",
      method: "eth_getLogs",
      params: [{ fromBlock: hex(900), toBlock: hex(990) }],
      upstreamHead: 990,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "an empty eth_getLogs for a range beyond every head, from an upstream at the highest head",
      method: "eth_getLogs",
      params: [{ fromBlock: hex(900), toBlock: hex(2_000) }],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "an empty eth_getLogs for a range beyond every head, from a lagging upstream",
      method: "eth_getLogs",
      params: [{ fromBlock: hex(900), toBlock: hex(2_000) }],
      upstreamHead: 999,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "an empty eth_getLogs by blockHash, even from a lagging upstream",
      method: "eth_getLogs",
      params: [{ blockHash: HASH }],
      upstreamHead: 900,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "null from a block lookup for a block below the highest head, from an up-to-date upstream",
      method: "eth_getBlockByNumber",
      params: [hex(990), false],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "null from a block lookup for the highest head itself",
      method: "eth_getBlockByNumber",
      params: [hex(1_000), false],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "null from a block lookup for a block no upstream has reached",
      method: "eth_getBlockByNumber",
      params: [hex(1_001), false],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "null from a block lookup when the upstream's head is unknown",
      method: "eth_getBlockByNumber",
      params: [hex(990), false],
      upstreamHead: undefined,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "null from eth_getBlockReceipts for a block the chain has",
      method: "eth_getBlockReceipts",
      params: [hex(990)],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "null from eth_getTransactionByBlockNumberAndIndex for a block the chain has",
      method: "eth_getTransactionByBlockNumberAndIndex",
      params: [hex(990), "0x0"],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "null from eth_getBlockByHash, which names no block",
      method: "eth_getBlockByHash",
      params: [HASH, false],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "null from a state read at a block the upstream has (not a block lookup)",
      method: "eth_getStorageAt",
      params: [ADDRESS, "0x0", hex(990)],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "any empty answer when the chain head is unknown, even a block lookup",
      method: "eth_getBlockByNumber",
      params: [hex(990), false],
      upstreamHead: 900,
      maxHead: undefined,
      stale: false,
    },
    {
      name: "an empty latest answer when the chain head is unknown",
      method: "eth_getLogs",
      params: [{ address: ADDRESS }],
      upstreamHead: 900,
      maxHead: undefined,
      stale: false,
    },
    {
      name: "an empty latest answer when the upstream's head is unknown",
      method: "eth_getLogs",
      params: [{ address: ADDRESS }],
      upstreamHead: undefined,
      maxHead: 1_000,
      stale: false,
    },
    // Head-dependent calls want the highest head, even when they also name a block.
    {
      name: "an empty eth_getLogs from 0x64 to latest, from an upstream at 105 with the chain at 110",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x64", toBlock: "latest" }],
      upstreamHead: 105,
      maxHead: 110,
      stale: true,
    },
    {
      name: "an empty eth_getLogs from 0x64 to latest, from an upstream at the highest head",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x64", toBlock: "latest" }],
      upstreamHead: 110,
      maxHead: 110,
      stale: false,
    },
    {
      name: "an empty eth_getLogs from 0x64 to latest, from an upstream one block behind",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x64", toBlock: "latest" }],
      upstreamHead: 109,
      maxHead: 110,
      stale: true,
    },
    {
      name: "an empty eth_getLogs from 0x64 to an explicit 0x6e, from an upstream at 105",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x64", toBlock: "0x6e" }],
      upstreamHead: 105,
      maxHead: 110,
      stale: true,
    },
    {
      name: "an empty eth_getLogs from 0x64 to an explicit 0x69, from an upstream at 105",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x64", toBlock: "0x69" }],
      upstreamHead: 105,
      maxHead: 110,
      stale: false,
    },
    {
      name: "an empty eth_getLogs from beyond every head to latest, from an upstream at the highest head",
      method: "eth_getLogs",
      params: [{ fromBlock: hex(2_000), toBlock: "latest" }],
      upstreamHead: 1_000,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "null from eth_getBlockByNumber at latest, from an upstream one block behind",
      method: "eth_getBlockByNumber",
      params: ["latest", false],
      upstreamHead: 999,
      maxHead: 1_000,
      stale: true,
    },
    // The rule only: an EIP-1898 {blockNumber: tag} is head-dependent like the bare tag.
    {
      name: "an empty answer at an EIP-1898 {blockNumber: latest}, from a lagging upstream",
      method: "eth_getStorageAt",
      params: [ADDRESS, "0x0", { blockNumber: "latest" }],
      upstreamHead: 995,
      maxHead: 1_000,
      stale: true,
    },
    {
      name: "an empty answer at an EIP-1898 {blockNumber} the lagging upstream has reached",
      method: "eth_getStorageAt",
      params: [ADDRESS, "0x0", { blockNumber: hex(990) }],
      upstreamHead: 995,
      maxHead: 1_000,
      stale: false,
    },
    {
      name: "an empty eth_getLogs from 0x64 to latest when the upstream's head is unknown",
      method: "eth_getLogs",
      params: [{ fromBlock: "0x64", toBlock: "latest" }],
      upstreamHead: undefined,
      maxHead: 110,
      stale: false,
    },
    // Lookups by hash want the highest head: a node behind may not have seen the transaction yet.
    ...[
      { method: "eth_getTransactionReceipt", params: [HASH] },
      { method: "eth_getTransactionByHash", params: [HASH] },
      { method: "eth_getBlockByHash", params: [HASH, false] },
      { method: "eth_getTransactionByBlockHashAndIndex", params: [HASH, "0x0"] },
    ].flatMap(({ method, params }) => [
      {
        name: `null from ${method}, from an upstream 10 blocks behind`,
        method,
        params,
        upstreamHead: 990,
        maxHead: 1_000,
        stale: true,
      },
      {
        name: `null from ${method}, from an upstream one block behind`,
        method,
        params,
        upstreamHead: 999,
        maxHead: 1_000,
        stale: true,
      },
      {
        name: `null from ${method}, from an up-to-date upstream`,
        method,
        params,
        upstreamHead: 1_000,
        maxHead: 1_000,
        stale: false,
      },
      {
        name: `null from ${method}, when the upstream's head is unknown`,
        method,
        params,
        upstreamHead: undefined,
        maxHead: 1_000,
        stale: false,
      },
      {
        name: `null from ${method}, when the chain head is unknown`,
        method,
        params,
        upstreamHead: 990,
        maxHead: undefined,
        stale: false,
      },
    ]),
    {
      name: "null from a hash lookup outside the list (trace_transaction), from a lagging upstream",
      method: "trace_transaction",
      params: [HASH],
      upstreamHead: 990,
      maxHead: 1_000,
      stale: false,
    },
  ])("$name may be stale: $stale", ({ method, params, upstreamHead, maxHead, stale }) => {
    expect(emptyMayBeStale({ method, needs: callNeeds(method, params), upstreamHead, maxHead })).toBe(stale);
  });
});

describe("hedgeDelayMs", () => {
  test("the bounds are 50 ms, 2000 ms and 500 ms before any measurement", () => {
    expect([HEDGE_MIN_MS, HEDGE_MAX_MS, HEDGE_UNKNOWN_MS]).toEqual([50, 2_000, 500]);
  });

  test.each<{ p90: number | undefined; delay: number }>([
    { p90: undefined, delay: 500 },
    { p90: 0, delay: 50 },
    { p90: 10, delay: 50 },
    { p90: 33, delay: 50 }, // ceil(49.5)
    { p90: 33.4, delay: 51 }, // ceil(50.1)
    { p90: 40, delay: 60 },
    { p90: 100, delay: 150 },
    { p90: 333.3, delay: 500 }, // ceil(499.95)
    { p90: 1_000, delay: 1_500 },
    { p90: 1_333, delay: 2_000 }, // ceil(1999.5)
    { p90: 1_400, delay: 2_000 },
    { p90: 60_000, delay: 2_000 },
  ])("p90 $p90 ms waits $delay ms", ({ p90, delay }) => {
    expect(hedgeDelayMs(p90)).toBe(delay);
  });
});
