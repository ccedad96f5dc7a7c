// Tenant isolation of an upstream's circuit (the rule in shared/routing/confirmation.ts): one tenant
// whose calls fail on an upstream with node-side errors does not take that upstream away from the
// other tenants; failures of two tenants' calls are confirmed, and open its circuit for everyone.
import { describe, expect, test } from "vitest";
import {
  admin,
  asNewTenant,
  type FaultProxy,
  freshBalance,
  healthOf,
  inSequence,
  type RoutedChain,
  type RpcResult,
  routedChain,
  rpc,
  served,
  setFault,
  statsOf,
  untilStates,
  useProxies,
} from "./harness";

const proxies = useProxies();

/** The text upstream 0 fails calls on: what tenants put in the addresses they read. */
const MARK = "deadbeefdeadbeef";

const randomHex = (bytes: number) =>
  crypto.getRandomValues(new Uint8Array(bytes)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "");

/** A balance at block 0, which only upstream 0 keeps, of a marked address: it fails there with -32603. */
const markedOldRead = (chain: RoutedChain) =>
  rpc(chain, "eth_getBalance", [`0x${MARK}${randomHex(12)}`, "0x0"]);

/** eth_getBalance calls a proxy received, marked (`true`) or not. */
async function balanceCalls(proxy: FaultProxy, marked: boolean): Promise<number> {
  const { exact } = await statsOf(proxy);
  return Object.entries(exact)
    .filter(([call]) => call.startsWith("eth_getBalance") && call.includes(MARK) === marked)
    .reduce((n, [, count]) => n + count, 0);
}

/**
 * Upstream 0, the fastest, is an archive node that keeps block 0, and fails every call that carries
 * the mark with JSON-RPC -32603; upstreams 1 and 2 keep blocks from 1 on and answer 100 ms late.
 */
async function archiveFirstChain(): Promise<RoutedChain> {
  const chain = await routedChain(proxies, {}, { capabilities: ["archive"] });
  for (const id of chain.ids.slice(1)) {
    await admin("PATCH", `/chains/${chain.slug}/upstreams/${id}`, { oldestBlock: 1 });
  }
  await setFault(proxies[0] as FaultProxy, { mode: "rpc_error", match: MARK });
  for (const proxy of proxies.slice(1)) await setFault(proxy, { mode: "latency", ms: 100 });
  await untilStates(chain, ["healthy", "healthy", "healthy"]);
  return chain;
}

function servedBy(results: RpcResult[], chain: RoutedChain, upstreams: number[]) {
  for (const r of results) {
    expect(r.status).toBe(200);
    expect(r.body.error).toBeUndefined();
    expect(r.body.result).toBe("0x0");
    expect(upstreams).toContain(served(chain, r));
  }
}

describe("an upstream's circuit opens for everyone only on confirmed failures", () => {
  test("one tenant's failures leave the upstream to the others; failures of two tenants open its circuit", async () => {
    const chain = await archiveFirstChain();
    const [a, b] = await Promise.all([asNewTenant(chain, "a"), asNewTenant(chain, "b")]);
    const zero = proxies[0] as FaultProxy;

    // Tenant A: ten calls that only upstream 0 can serve, each failing there with -32603. Three
    // would have opened its circuit; each still reaches it, and A hears what went wrong.
    const failed = await inSequence(10, () => markedOldRead(a));
    for (const r of failed) {
      expect(r.status).toBe(502);
      expect(r.body.error).toEqual({
        code: -32012,
        message: `chain ${chain.slug} is unavailable: 1 attempt on its upstreams failed; try again shortly`,
        data: { code: "upstream_unavailable" },
      });
      expect(r.attempts).toBe(1);
    }
    expect(await balanceCalls(zero, true)).toBe(10);
    // Its own other reads now prefer the other upstreams (upstream 0 is demoted for A alone).
    servedBy(await inSequence(3, () => freshBalance(a)), chain, [1, 2]);

    // Tenant B still gets upstream 0, the fastest, for every read; the health report agrees.
    const bReads = await inSequence(6, () => freshBalance(b));
    servedBy(bReads, chain, [0]);
    expect(await balanceCalls(zero, false)).toBe(6);
    expect((await healthOf(chain)).upstreams[0]).toMatchObject({
      circuit: "closed",
      state: "healthy",
      errorRate: 0,
    });

    // Now B's marked calls fail there too: failures of two tenants' calls, taking turns, open the
    // circuit within a few calls (a probe answering well in between starts the count afresh).
    const turns: RpcResult[] = [];
    for (const who of [b, a, b, a, b, a, b, a]) {
      turns.push(await markedOldRead(who));
      if (turns.at(-1)?.status !== 502) break;
    }
    const refused = turns.at(-1) as RpcResult;
    expect(refused.status).toBe(503);
    expect(refused.body.error).toEqual({
      code: -32013,
      message: `chain ${chain.slug} is unavailable: no upstream can take eth_getBalance right now (1 circuit open, 2 capability); try again shortly`,
      data: { code: "no_upstream" },
    });
    expect(turns.length - 1).toBeGreaterThanOrEqual(3);
    expect(turns.length - 1).toBeLessThanOrEqual(6);
    expect(await balanceCalls(zero, true)).toBe(10 + turns.length - 1);
    expect((await healthOf(chain)).upstreams[0]).toMatchObject({ circuit: "open", state: "circuit_open" });

    // B's reads go to upstreams 1 and 2; upstream 0 gets none of them.
    servedBy(await inSequence(6, () => freshBalance(b)), chain, [1, 2]);
    expect(await balanceCalls(zero, false)).toBe(6);
  });
});
