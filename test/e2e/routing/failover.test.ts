// Failover, hedging and circuit breaking, as a client sees them, against three upstreams (fault
// proxies in front of one real anvil). Upstream 0 is made the preferred one before each fault, so
// each test knows which upstream the gateway tries first.
import { describe, expect, test } from "vitest";
import {
  callsOf,
  type FaultProxy,
  freshBalance,
  healthOf,
  inSequence,
  post,
  preferZero,
  type RpcResult,
  rpc,
  served,
  setFault,
  statsOf,
  useProxies,
} from "./harness";

const proxies = useProxies();

const allServed = (results: RpcResult[]) => {
  for (const r of results) {
    expect(r.status).toBe(200);
    expect(r.body.error).toBeUndefined();
    expect(r.body.result).toMatch(/^0x/);
  }
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("failover", () => {
  test("fails over at once when the preferred upstream refuses connections, then stops trying it", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "refuse" });
    const results = await inSequence(10, () => freshBalance(chain));
    allServed(results);
    expect(results[0]?.attempts).toBe(2);
    expect(results.every((r) => served(chain, r) !== 0)).toBe(true);
    // The circuit opens after three failures: the dead upstream costs at most that many extra attempts.
    expect(sum(results.map((r) => r.attempts))).toBeLessThanOrEqual(10 + 3);
    expect(results.slice(-5).map((r) => r.attempts)).toEqual([1, 1, 1, 1, 1]);
    const [, b, c] = await callsOf(proxies, "eth_getBalance");
    expect((b ?? 0) + (c ?? 0)).toBe(10);
  });

  test("an upstream killed mid-run under concurrent load costs no failed read", async () => {
    const chain = await preferZero(proxies);
    const results: RpcResult[] = [];
    let killed = false;
    const client = async () => {
      for (let i = 0; i < 25; i++) {
        results.push(await freshBalance(chain));
        if (results.length >= 30 && !killed) {
          killed = true;
          await setFault(proxies[0] as FaultProxy, { mode: "refuse" });
        }
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    expect(killed).toBe(true);
    expect(results).toHaveLength(100);
    allServed(results);
    expect(results.slice(-20).every((r) => served(chain, r) !== 0)).toBe(true);
  });

  test.each([500, 503])(
    "HTTP %i from the preferred upstream: the client still gets the result",
    async (status) => {
      const chain = await preferZero(proxies);
      await setFault(proxies[0] as FaultProxy, { mode: "http", status });
      const results = await inSequence(10, () => freshBalance(chain));
      allServed(results);
      expect(results[0]?.attempts).toBe(2);
      expect(results.every((r) => served(chain, r) !== 0)).toBe(true);
      const [a, b, c] = await callsOf(proxies, "eth_getBalance");
      expect(a).toBeLessThanOrEqual(3);
      expect((b ?? 0) + (c ?? 0)).toBe(10);
    },
  );

  test("JSON-RPC -32603 from the preferred upstream is a node failure: retried elsewhere", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "rpc_error" });
    const results = await inSequence(10, () => freshBalance(chain));
    allServed(results);
    expect(results[0]?.attempts).toBe(2);
    const [a] = await callsOf(proxies, "eth_getBalance");
    expect(a).toBeLessThanOrEqual(3);
  });

  test("HTTP 429 marks the upstream throttled: one call, then it is left alone", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "http", status: 429 });
    const results = await inSequence(10, () => freshBalance(chain));
    allServed(results);
    expect(results[0]?.attempts).toBe(2);
    expect(await callsOf(proxies, "eth_getBalance").then((c) => c[0])).toBe(1);
    const health = await healthOf(chain);
    expect(health.upstreams[0]).toMatchObject({ id: chain.ids[0], state: "throttled", circuit: "closed" });
  });

  test("a flapping upstream is demoted after its first failure", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "flap", ms: 10 });
    const results = await inSequence(20, () => freshBalance(chain));
    allServed(results);
    const firstFailure = results.findIndex((r) => r.attempts > 1);
    expect(firstFailure).toBeGreaterThanOrEqual(0);
    expect(results.slice(firstFailure).every((r) => served(chain, r) !== 0)).toBe(true);
  });

  test("a revert is the client's answer: returned at once, never retried", async () => {
    const chain = await preferZero(proxies);
    // eth_call without `to` runs the data as init code: PUSH1 0 PUSH1 0 REVERT.
    const result = await rpc(chain, "eth_call", [{ data: "0x60006000fd" }, "latest"]);
    expect(result.status).toBe(200);
    expect(result.body.error).toMatchObject({ code: 3, message: "execution reverted" });
    expect(result.attempts).toBe(1);
    expect(sum(await callsOf(proxies, "eth_call"))).toBe(1);
  });

  test("a batch is routed item by item and keeps its order", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "http", status: 503 });
    const result = await post(
      chain,
      JSON.stringify([
        { jsonrpc: "2.0", id: "a", method: "eth_getBalance", params: [`0x${"11".repeat(20)}`, "latest"] },
        { jsonrpc: "2.0", id: "b", method: "eth_call", params: [{ data: "0x60006000fd" }, "latest"] },
        { jsonrpc: "2.0", id: "c", method: "eth_getBlockByNumber", params: ["0x1", false] },
        { jsonrpc: "2.0", id: "d", method: "eth_chainId" },
      ]),
    );
    expect(result.status).toBe(200);
    const items = result.body as unknown as { id: string; result?: unknown; error?: { code: number } }[];
    expect(items.map((i) => i.id)).toEqual(["a", "b", "c", "d"]);
    expect(items[0]?.result).toBe("0x0");
    expect(items[1]?.error?.code).toBe(3);
    expect(items[2]?.result).toMatchObject({ number: "0x1" });
    expect(items[3]?.result).toBe("0x7a69");
    // Each item failed once on the broken upstream and was answered by the next; the revert was not retried.
    expect(result.attempts).toBe(8);
    expect(sum(await callsOf(proxies, "eth_call"))).toBe(2);
  });
});

describe("hedging", () => {
  test("an upstream 300 ms slow is hedged, then avoided", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "latency", ms: 300 });
    const results = await inSequence(20, () => freshBalance(chain));
    allServed(results);
    // While it is still tried first, each call is hedged to another upstream, which answers first.
    expect(results[0]?.attempts).toBe(2);
    expect(results.every((r) => served(chain, r) !== 0)).toBe(true);
    // Within a few calls it is not tried at all: one attempt each, none to it.
    expect(results.slice(10).map((r) => r.attempts)).toEqual(Array(10).fill(1));
    const [a] = await callsOf(proxies, "eth_getBalance");
    expect(a).toBeLessThanOrEqual(5);
  });

  test("a batch is not hedged call by call: a slow upstream gets the batch once, and answers it", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "latency", ms: 300 });
    const batch = Array.from({ length: 10 }, (_, i) => ({
      jsonrpc: "2.0",
      id: i,
      method: "eth_getBalance",
      params: [`0x${String(i).padStart(40, "0")}`, "latest"],
    }));
    const result = await post(chain, JSON.stringify(batch));
    expect(result.status).toBe(200);
    const items = result.body as unknown as { id: number; result: string }[];
    expect(items.map((r) => r.id)).toEqual(batch.map((b) => b.id));
    for (const item of items) expect(item.result).toMatch(/^0x[0-9a-f]+$/);
    expect(result.attempts).toBe(10);
    expect((await Promise.all(proxies.map(statsOf))).map((s) => s.requests)).toEqual([1, 0, 0]);
  });

  test("a quick null does not beat real data", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "empty" });
    const result = await rpc(chain, "eth_getBlockByNumber", ["0x1", false]);
    expect(result.status).toBe(200);
    expect(result.body.result).toMatchObject({ number: "0x1" });
    expect(served(chain, result)).not.toBe(0);
    expect(result.attempts).toBe(2);
    expect((await callsOf(proxies, "eth_getBlockByNumber"))[0]).toBe(1);
  });

  test("when every upstream answers empty, the client gets the empty answer, not an error", async () => {
    const chain = await preferZero(proxies);
    for (const proxy of proxies) await setFault(proxy, { mode: "empty" });
    const logs = await rpc(chain, "eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x2" }]);
    expect(logs.status).toBe(200);
    expect(logs.body).toMatchObject({ result: [] });
    // null for a block the chain has is suspect, so every upstream is asked before null is believed.
    const block = await rpc(chain, "eth_getBlockByNumber", ["0x1", false]);
    expect(block.status).toBe(200);
    expect(block.body).toMatchObject({ result: null });
    expect(block.attempts).toBe(3);
    expect(await callsOf(proxies, "eth_getBlockByNumber")).toEqual([1, 1, 1]);
  });
});

describe("everything down", () => {
  test("502 then 503, saying the chain is unavailable, with the attempt count and no URL", async () => {
    const chain = await preferZero(proxies);
    for (const proxy of proxies) await setFault(proxy, { mode: "refuse" });
    const first = await freshBalance(chain);
    expect(first.status).toBe(502);
    expect(first.attempts).toBe(3);
    expect(first.body.error).toEqual({
      code: -32012,
      message: `chain ${chain.slug} is unavailable: 3 attempts on its upstreams failed; try again shortly`,
      data: { code: "upstream_unavailable" },
    });
    expect(first.text).not.toContain("127.0.0.1");
    const later = (await inSequence(4, () => freshBalance(chain))).at(-1) as RpcResult;
    expect(later.status).toBe(503);
    expect(later.attempts).toBe(0);
    expect(later.body.error).toEqual({
      code: -32013,
      message: `chain ${chain.slug} is unavailable: no upstream can take eth_getBalance right now (3 circuit open); try again shortly`,
      data: { code: "no_upstream" },
    });
  });
});
