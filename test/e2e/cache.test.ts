// The response cache and coalescing, as a client sees them, against an anvil of this file's own
// (mined by hand, so reorgs and finality are under the test's control) behind one fault proxy that
// counts every call it passes on. anvil's `finalized` block is its head less 64.
import { parseGwei } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startAnvil } from "../../scripts/lib/anvil.mjs";
import { startFaultProxy } from "../../scripts/lib/faultProxy.mjs";
import {
  asNewTenant,
  callNode,
  type FaultProxy,
  healthOf,
  post,
  type RoutedChain,
  resetProxies,
  routedChain,
  rpc,
  setFault,
  sleep,
  statsOf,
} from "./routing/harness";

const HEAD_TTL_MS = 500;
const ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const ACCOUNT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

let node: Awaited<ReturnType<typeof startAnvil>>;
let proxy: FaultProxy;
let chain: RoutedChain;

const nodeCall = (method: string, params: unknown[] = []) => callNode(node.url, method, params);

/** Calls of exactly this method and params that reached the upstream. */
async function upstreamCalls(method: string, params: unknown[]): Promise<number> {
  return (await statsOf(proxy)).exact[`${method}${JSON.stringify(params)}`] ?? 0;
}

const hex = (n: number) => `0x${n.toString(16)}`;

beforeAll(async () => {
  node = await startAnvil({ blockTime: 0 });
  proxy = await startFaultProxy({ target: node.url });
  await nodeCall("anvil_mine", ["0x64"]);
  chain = await routedChain([proxy], { blockTimeMs: 2 * HEAD_TTL_MS });
  // The first call waits for the probe that checks the chain and reads its finalized block.
  expect((await rpc(chain, "eth_chainId")).status).toBe(200);
});
afterAll(async () => {
  await proxy?.stop();
  await node?.stop();
});
beforeEach(() => resetProxies([proxy]));

describe("response cache", () => {
  test("a finalized block is served from the cache with the caller's id and no upstream call", async () => {
    const params = ["0x10", false];
    const first = await post(
      chain,
      JSON.stringify({ jsonrpc: "2.0", id: 7, method: "eth_getBlockByNumber", params }),
    );
    expect(first.cache).toBe("MISS");
    expect(first.body).toMatchObject({ id: 7, result: { number: "0x10" } });

    const again = await post(
      chain,
      JSON.stringify({ jsonrpc: "2.0", id: "second", method: "eth_getBlockByNumber", params }),
    );
    expect(again.status).toBe(200);
    expect(again.cache).toBe("HIT");
    expect(again.upstreamId).toBeNull();
    expect(again.body).toEqual({ jsonrpc: "2.0", id: "second", result: first.body.result });
    expect(await upstreamCalls("eth_getBlockByNumber", params)).toBe(1);
  });

  test("a block above finality is not kept: after a reorg the new block is served", async () => {
    const head = Number(await nodeCall("eth_blockNumber"));
    const params = [hex(head - 2), false];
    const before = await rpc(chain, "eth_getBlockByNumber", params);
    expect(before.cache).toBe("MISS");
    await nodeCall("anvil_reorg", [3, [[{ from: ACCOUNT_0, to: ACCOUNT_1, value: "0x1" }, 0]]]);

    const after = await rpc(chain, "eth_getBlockByNumber", params);
    const reorged = (await nodeCall("eth_getBlockByNumber", params)) as { hash: string };
    expect((after.body.result as { hash: string }).hash).toBe(reorged.hash);
    expect(reorged.hash).not.toBe((before.body.result as { hash: string }).hash);
    expect(await upstreamCalls("eth_getBlockByNumber", params)).toBe(2);
  });

  test("the finalized tag is never cached as if final", async () => {
    const params = ["finalized", false];
    const first = await rpc(chain, "eth_getBlockByNumber", params);
    expect(first.cache).toBe("BYPASS");
    const finalized = Number((first.body.result as { number: string }).number);
    expect(finalized).toBe(Number(await nodeCall("eth_blockNumber")) - 64);

    await nodeCall("anvil_mine", ["0x5"]);
    const later = await rpc(chain, "eth_getBlockByNumber", params);
    expect(Number((later.body.result as { number: string }).number)).toBe(finalized + 5);
    expect(await upstreamCalls("eth_getBlockByNumber", params)).toBe(2);
  });

  test("errors and nulls are not kept", async () => {
    const block = ["0x11", false];
    await setFault(proxy, { mode: "rpc_error" });
    const failed = await rpc(chain, "eth_getBlockByNumber", block);
    expect(failed.body.error).toBeDefined();
    await setFault(proxy, { mode: "ok" });
    const served = await rpc(chain, "eth_getBlockByNumber", block);
    expect(served.body).toMatchObject({ result: { number: "0x11" } });
    expect(served.cache).toBe("MISS");

    const unknownTx = [`0x${"ab".repeat(32)}`];
    for (let i = 0; i < 2; i++) {
      const missing = await rpc(chain, "eth_getTransactionByHash", unknownTx);
      expect(missing.body.result).toBeNull();
      expect(missing.cache).toBe("MISS");
    }
    expect(await upstreamCalls("eth_getBlockByNumber", block)).toBe(2);
    expect(await upstreamCalls("eth_getTransactionByHash", unknownTx)).toBe(2);
  });

  test("a final transaction and its receipt, looked up by hash, are kept", async () => {
    const hash = (await nodeCall("eth_sendTransaction", [
      { from: ACCOUNT_0, to: ACCOUNT_1, value: "0x2" },
    ])) as string;
    const pending = await rpc(chain, "eth_getTransactionReceipt", [hash]);
    expect(pending.body).toMatchObject({ result: { transactionHash: hash } });
    // Not final yet: asked again, it goes to the upstream again.
    expect((await rpc(chain, "eth_getTransactionReceipt", [hash])).cache).toBe("MISS");
    await nodeCall("anvil_mine", ["0x41"]);
    // The gateway learns the new finalized block from its next probe (every 3 s at most).
    await sleep(3_100);
    await rpc(chain, "eth_chainId");
    await sleep(200);
    expect((await rpc(chain, "eth_getTransactionReceipt", [hash])).cache).toBe("MISS");
    const hit = await rpc(chain, "eth_getTransactionReceipt", [hash]);
    expect(hit.cache).toBe("HIT");
    expect(hit.body.result).toEqual(pending.body.result);
    expect(await upstreamCalls("eth_getTransactionReceipt", [hash])).toBe(3);
  });

  test("head answers are kept for half a block time", async () => {
    const first = await rpc(chain, "eth_blockNumber");
    const second = await rpc(chain, "eth_blockNumber");
    expect([first.cache, second.cache]).toEqual(["MISS", "HIT"]);
    expect(second.body.result).toBe(first.body.result);
    await nodeCall("anvil_mine", ["0x1"]);
    await sleep(HEAD_TTL_MS + 50);
    const later = await rpc(chain, "eth_blockNumber");
    expect(later.cache).toBe("MISS");
    expect(Number(later.body.result)).toBe(Number(first.body.result) + 1);
  });

  test("x-cache says HIT, MISS or BYPASS for each call of a batch, in order", async () => {
    await rpc(chain, "eth_getBlockByNumber", ["0x12", false]);
    const batch = await post(
      chain,
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["0x12", false] },
        { jsonrpc: "2.0", id: 2, method: "eth_getBalance", params: [ACCOUNT_1, "latest"] },
        { jsonrpc: "2.0", id: 3, method: "eth_getBlockByNumber", params: ["0x13", false] },
        { jsonrpc: "2.0", id: 4, method: "eth_accounts" },
      ]),
    );
    expect(batch.cache).toBe("HIT, BYPASS, MISS, BYPASS");
    expect((batch.body as unknown as { id: number }[]).map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  test("Cache-Control: no-cache goes to an upstream; no-store also keeps the answer out", async () => {
    const call = (params: unknown[], control: string) =>
      post(chain, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params }), {
        "cache-control": control,
      });
    const kept = ["0x14", false];
    await rpc(chain, "eth_getBlockByNumber", kept);
    expect((await call(kept, "no-cache")).cache).toBe("BYPASS");
    expect(await upstreamCalls("eth_getBlockByNumber", kept)).toBe(2);

    const notKept = ["0x15", false];
    expect((await call(notKept, "no-store")).cache).toBe("BYPASS");
    expect((await rpc(chain, "eth_getBlockByNumber", notKept)).cache).toBe("MISS");
    expect(await upstreamCalls("eth_getBlockByNumber", notKept)).toBe(2);
  });
});

describe("coalescing", () => {
  test("50 identical concurrent calls make one upstream call, and each caller gets its own id", async () => {
    const params = [ACCOUNT_1, "latest"];
    await setFault(proxy, { mode: "latency", ms: 300 });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(chain, JSON.stringify({ jsonrpc: "2.0", id: 1000 + i, method: "eth_getBalance", params })),
      ),
    );
    expect(answers.map((a) => a.body.id)).toEqual(Array.from({ length: 50 }, (_, i) => 1000 + i));
    expect(new Set(answers.map((a) => JSON.stringify(a.body.result))).size).toBe(1);
    expect(answers.every((a) => a.status === 200 && typeof a.body.result === "string")).toBe(true);
    expect(await upstreamCalls("eth_getBalance", params)).toBe(1);
  });

  test("transactions are never coalesced", async () => {
    // Signed, so screening can read it; the node's verdict (no funds) does not matter here.
    const raw = await privateKeyToAccount(generatePrivateKey()).signTransaction({
      chainId: 31337,
      to: ACCOUNT_1,
      value: 1n,
      nonce: 0,
      gas: 21_000n,
      maxFeePerGas: parseGwei("50"),
      maxPriorityFeePerGas: parseGwei("1"),
    });
    await setFault(proxy, { mode: "latency", ms: 200 });
    await Promise.all(
      [1, 2].map((id) =>
        post(chain, JSON.stringify({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [raw] })),
      ),
    );
    expect(await upstreamCalls("eth_sendRawTransaction", [raw])).toBe(2);
  });
});

describe("eth_getLogs range control", () => {
  /** Runtime code that logs its calldata under topic 0x2a: LOG1(0, calldatasize, 0x2a). */
  const EMITTER_CODE = "0x366000600037602a366000a100";
  const EMITTER = "0x00000000000000000000000000000000000e0117";
  const CHUNK = 10;
  let first: number;
  let last: number;

  beforeAll(async () => {
    await nodeCall("anvil_setCode", [EMITTER, EMITTER_CODE]);
    first = Number(await nodeCall("eth_blockNumber")) + 1;
    // One log per block for 3 chunks' worth of blocks (anvil mines each transaction on its own).
    for (let i = 0; i < 3 * CHUNK; i++) {
      await nodeCall("eth_sendTransaction", [
        { from: ACCOUNT_0, to: EMITTER, data: `0x${(0x100 + i).toString(16).padStart(4, "0")}` },
      ]);
    }
    // anvil may answer a transaction just before its block is the head: wait for the last one.
    const until = Date.now() + 5_000;
    do last = Number(await nodeCall("eth_blockNumber"));
    while (last - first + 1 < 3 * CHUNK && Date.now() < until);
    expect(last - first + 1).toBe(3 * CHUNK);
  });

  test("a range of 3x the chunk is split across calls and returns exactly what the node returns, in order", async () => {
    const logsChain = await routedChain([proxy], { logsBlockRange: CHUNK });
    const filter = { fromBlock: hex(first), toBlock: hex(last), address: EMITTER };
    const direct = (await nodeCall("eth_getLogs", [filter])) as { blockNumber: string; data: string }[];
    expect(direct).toHaveLength(3 * CHUNK);

    const split = await rpc(logsChain, "eth_getLogs", [filter]);
    expect(split.status).toBe(200);
    expect(split.body.result).toEqual(direct);
    for (let start = first; start <= last; start += CHUNK) {
      const chunk = { ...filter, fromBlock: hex(start), toBlock: hex(start + CHUNK - 1) };
      expect(await upstreamCalls("eth_getLogs", [chunk])).toBe(1);
    }
    expect(await upstreamCalls("eth_getLogs", [filter])).toBe(0);
  });

  test("tags are resolved before the range is judged: earliest..latest is split too", async () => {
    const logsChain = await routedChain([proxy], { logsBlockRange: 100 });
    const filter = { fromBlock: "earliest", toBlock: "latest", address: EMITTER };
    const direct = await nodeCall("eth_getLogs", [filter]);
    const split = await rpc(logsChain, "eth_getLogs", [filter]);
    expect(split.body.result).toEqual(direct);
    expect((await statsOf(proxy)).methods.eth_getLogs).toBeGreaterThan(1);
  });

  test("a range over the plan's limit is refused with -32602 and the limit, before any upstream call", async () => {
    const filter = { fromBlock: "0x0", toBlock: hex(200_000) };
    const refused = await rpc(chain, "eth_getLogs", [filter]);
    expect(refused.status).toBe(200);
    expect(refused.body.error).toEqual({
      code: -32602,
      message:
        "eth_getLogs block range too large: 200001 blocks (0x0 to 0x30d40) is over this plan's limit of 100000; narrow fromBlock and toBlock",
      data: { code: "logs_limit_exceeded", limit: "block_range", max: 100_000 },
    });
    expect((await statsOf(proxy)).methods.eth_getLogs ?? 0).toBe(0);
  });

  test("eth_getLogs timeouts, which a client's range causes, do not open the upstream's circuit", async () => {
    const slowChain = await routedChain([proxy], { budgetMs: 1_000 });
    await rpc(slowChain, "eth_chainId");
    await setFault(proxy, { mode: "hang", methods: ["eth_getLogs"] });
    const timedOut = await Promise.all(
      [1, 2, 3, 4].map((n) => rpc(slowChain, "eth_getLogs", [{ fromBlock: hex(n), toBlock: hex(n + 1) }])),
    );
    expect(timedOut.map((r) => r.body.error?.data?.code)).toEqual(Array(4).fill("upstream_unavailable"));
    const health = await healthOf(slowChain);
    expect(health.upstreams[0]).toMatchObject({ circuit: "closed", state: "healthy" });
    // The same timeouts on a light call do count: from two tenants' calls, the circuit opens (one
    // tenant's failures alone never open it: shared/routing/confirmation.ts).
    const other = await asNewTenant(slowChain, "light-timeouts");
    await setFault(proxy, { mode: "hang", methods: ["eth_getBalance"] });
    await Promise.all(
      [ACCOUNT_0, ACCOUNT_1, EMITTER].map((address, i) =>
        rpc(i === 1 ? other : slowChain, "eth_getBalance", [address, "latest"]),
      ),
    );
    expect((await healthOf(slowChain)).upstreams[0]?.circuit).toBe("open");
  });

  test("more logs than the chain's limit is an error that says so", async () => {
    const logsChain = await routedChain([proxy], { logsBlockRange: CHUNK, logsMaxResults: 25 });
    const res = await rpc(logsChain, "eth_getLogs", [{ fromBlock: hex(first), toBlock: hex(last) }]);
    expect(res.body.error).toMatchObject({
      code: -32602,
      message:
        "eth_getLogs matched 30 logs, over the limit of 25 per call; narrow the block range or the filter",
    });
  });
});
