// Tenant isolation of upstream health: an error that echoes what one tenant sent, or the timeout of
// one tenant's expensive call, must not make the chain's upstreams look broken to another tenant.
import { describe, expect, test } from "vitest";
import {
  asNewTenant,
  type FaultProxy,
  freshBalance,
  healthOf,
  inSequence,
  type RoutedChain,
  type RpcResult,
  routedChain,
  rpc,
  setFault,
  statsOf,
  untilStates,
  useProxies,
} from "./harness";

const proxies = useProxies();

/** What the geth-like upstreams serve: the probes' methods and tenant B's. */
const ALLOWED = ["eth_chainId", "eth_blockNumber", "eth_getBlockByNumber", "eth_syncing", "eth_getBalance"];
/** Method names a tenant chose to look like a node's failure. */
const ECHOING = ["x_upstream", "eth_upstreamTimeout", "x_connection_unavailable", "backend_timeout_"];

/**
 * Every result served 200 with a value, by at most one upstream attempt: nothing failed over. A
 * head the gateway answers itself carries no attempt count.
 */
function servedWithoutFailover(results: RpcResult[]) {
  for (const r of results) {
    expect(r.status).toBe(200);
    expect(r.body.error).toBeUndefined();
    expect(r.body.result).toMatch(/^0x/);
    expect(Number.isNaN(r.attempts) ? 0 : r.attempts).toBeLessThanOrEqual(1);
  }
}

async function expectHealthy(chain: RoutedChain) {
  const report = await healthOf(chain);
  for (const upstream of report.upstreams) {
    expect(upstream).toMatchObject({ state: "healthy", circuit: "closed", errorRate: 0 });
  }
}

describe("errors that echo a tenant's input", () => {
  test("unknown methods named like node failures reach their tenant as -32601 and leave the upstreams healthy for another tenant", async () => {
    const chain = await routedChain(proxies);
    await untilStates(chain, ["healthy", "healthy", "healthy"]);
    const [a, b] = await Promise.all([asNewTenant(chain, "a"), asNewTenant(chain, "b")]);
    for (const proxy of proxies) await setFault(proxy, { mode: "unknown_method", allow: ALLOWED });

    const methods = Array.from({ length: 50 }, (_, i) => `${ECHOING[i % ECHOING.length]}${i}`);
    const answers: RpcResult[] = [];
    for (const method of methods) answers.push(await rpc(a, method));
    for (const [i, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(answer.body.error).toEqual({
        code: -32601,
        message: `the method ${methods[i]} does not exist/is not available`,
      });
      expect(answer.attempts).toBe(1);
      expect(answer.text).not.toContain("127.0.0.1");
    }
    // Each call went to one upstream, once: none was retried elsewhere as a node failure.
    const stats = await Promise.all(proxies.map(statsOf));
    const sent = methods.map((m) => stats.reduce((n, s) => n + (s.methods[m] ?? 0), 0));
    expect(sent).toEqual(Array(50).fill(1));

    await expectHealthy(chain);
    const heads = await inSequence(10, () => rpc(b, "eth_blockNumber"));
    const balances = await inSequence(20, () => freshBalance(b));
    servedWithoutFailover([...heads, ...balances]);
    for (const r of balances) {
      expect(r.attempts).toBe(1);
      expect(chain.ids).toContain(r.upstreamId);
    }
    await expectHealthy(chain);
  });
});

describe("timeouts of a tenant's expensive calls", () => {
  test("a slow eth_call times out for its client but neither opens the circuit nor raises the error rate", async () => {
    const proxy = proxies[0] as FaultProxy;
    // One upstream and a short budget: each attempt gives up after 600 ms.
    const chain = await routedChain([proxy], { budgetMs: 600 });
    await untilStates(chain, ["healthy"]);
    const [a, b] = await Promise.all([asNewTenant(chain, "a"), asNewTenant(chain, "b")]);
    await setFault(proxy, { mode: "latency", ms: 2_000, methods: ["eth_call"] });

    // More than the circuit's threshold of failures (three), one after another.
    const slow = await inSequence(5, () =>
      rpc(a, "eth_call", [{ to: `0x${"42".repeat(20)}`, data: "0x" }, "latest"]),
    );
    for (const r of slow) {
      expect(r.status).toBe(502);
      expect(r.body.error).toEqual({
        code: -32012,
        message: `chain ${chain.slug} is unavailable: 1 attempt on its upstreams failed; try again shortly`,
        data: { code: "upstream_unavailable" },
      });
    }
    expect((await statsOf(proxy)).methods.eth_call).toBe(5);

    await expectHealthy(chain);
    const balances = await inSequence(10, () => freshBalance(b));
    servedWithoutFailover(balances);
    expect(balances.map((r) => r.attempts)).toEqual(Array(10).fill(1));
    await expectHealthy(chain);
  });
});
