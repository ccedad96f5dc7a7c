// Head tracking, as a client sees it: an upstream far behind or on another chain gets no traffic
// that depends on it, and eth_blockNumber never goes backwards.
import { beforeAll, describe, expect, test } from "vitest";
import {
  anvil,
  callsOf,
  type FaultProxy,
  freshBalance,
  inSequence,
  routedChain,
  rpc,
  served,
  setFault,
  statsOf,
  untilStates,
  useProxies,
} from "./harness";

const proxies = useProxies();
beforeAll(async () => {
  // Enough history for a node to lag 20 blocks behind.
  await anvil("anvil_mine", ["0x20"]);
});

const [A, B, C] = [0, 1, 2];
const proxy = (i: number) => proxies[i] as FaultProxy;

describe("head tracking", () => {
  test("an upstream lagging 20 blocks serves no head-dependent call, though it is the fastest", async () => {
    const chain = await routedChain(proxies);
    await setFault(proxy(A), { mode: "lag", blocks: 20 });
    await setFault(proxy(B), { mode: "latency", ms: 25 });
    await setFault(proxy(C), { mode: "latency", ms: 25 });
    const health = await untilStates(chain, ["lagging", "healthy", "healthy"]);
    expect(health.upstreams[A]?.lag).toBeGreaterThanOrEqual(18);

    const heads = await inSequence(5, () => rpc(chain, "eth_blockNumber"));
    const balances = await inSequence(5, () => freshBalance(chain));
    const realHead = Number(await anvil("eth_blockNumber"));
    for (const r of [...heads, ...balances]) {
      expect(r.status).toBe(200);
      expect(served(chain, r)).not.toBe(A);
    }
    for (const r of heads) expect(Number(r.body.result)).toBeGreaterThanOrEqual(realHead - 2);
    const stats = await statsOf(proxy(A));
    expect(stats.methods.eth_getBalance ?? 0).toBe(0);
    // Its only eth_blockNumber calls are the gateway's probes, which pair it with eth_chainId.
    expect(stats.methods.eth_blockNumber ?? 0).toBe(stats.methods.eth_chainId ?? 0);
  });

  test("an upstream reporting another chain id is never used", async () => {
    const chain = await routedChain(proxies);
    await setFault(proxy(A), { mode: "chain_id", chainId: 1 });
    await setFault(proxy(B), { mode: "latency", ms: 25 });
    await setFault(proxy(C), { mode: "latency", ms: 25 });
    await untilStates(chain, ["wrong_chain", "healthy", "healthy"]);
    const results = await inSequence(10, () => freshBalance(chain));
    for (const r of results) {
      expect(r.body.result).toMatch(/^0x/);
      expect(served(chain, r)).not.toBe(A);
    }
    expect((await callsOf(proxies, "eth_getBalance"))[A]).toBe(0);
  });

  test("eth_blockNumber never goes backwards when the next answer comes from an upstream a few blocks behind", async () => {
    const chain = await routedChain(proxies);
    await setFault(proxy(B), { mode: "lag", blocks: 3 });
    await setFault(proxy(C), { mode: "lag", blocks: 3 });
    await untilStates(chain, ["healthy", "healthy", "healthy"]);
    const first = await rpc(chain, "eth_blockNumber");
    expect(served(chain, first)).toBe(A);
    await setFault(proxy(A), { mode: "refuse" });
    const later = await inSequence(4, () => rpc(chain, "eth_blockNumber"));
    const behind = await fetch(proxy(B).url, {
      method: "POST",
      body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}',
    }).then(async (r) => Number(((await r.json()) as { result: string }).result));
    expect(behind).toBeLessThan(Number(first.body.result));
    for (const r of later) {
      expect(served(chain, r)).not.toBe(A);
      expect(Number(r.body.result)).toBeGreaterThanOrEqual(Number(first.body.result));
    }
  });
});
