// Circuit openings on the public status page: a real upstream that refuses connections opens its
// circuit, the opening travels with the isolate's metrics batch to the chain's metrics object, and
// /status.json and /status show it as that chain's incident, and no other chain's. A batch carrying
// openings that is retried under its own number stores them once; past the per-chain bound they are
// dropped, and said to be.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, test, vi } from "vitest";
import { MAX_OPENS_PER_CHAIN, noteCircuitOpen } from "../../shared/metrics/circuitOpens";
import { flushMetrics } from "../../shared/metrics/collector";
import { admin, call, fixture, rpc } from "./fixtures";

const chainIdBody = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}';

interface StatusIncident {
  kind: string;
  upstream?: string;
  from: string;
  to: string | null;
  detail: string;
}

afterEach(() => vi.restoreAllMocks());

async function circuitOf(chain: string): Promise<string | undefined> {
  const health = await admin<{ upstreams: { circuit: string }[] }>("GET", `/chains/${chain}/health`);
  return health.upstreams[0]?.circuit;
}

/** The chain's incidents in /status.json, waiting out a report an earlier request left cached (10 s). */
async function incidentsOf(
  chain: string,
  until: (i: StatusIncident[]) => boolean,
): Promise<StatusIncident[]> {
  const deadline = Date.now() + 12_000;
  for (;;) {
    const status = await (await call("/status.json")).json<{
      chains: { chain: string; incidents: StatusIncident[] }[];
    }>();
    const incidents = status.chains.find((c) => c.chain === chain)?.incidents ?? [];
    if (until(incidents) || Date.now() > deadline) return incidents;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("circuit openings on the status page", () => {
  test("an upstream whose circuit opened is a circuit_open incident of its chain, and of no other", async () => {
    const dead = await fixture({ upstreamUrl: "http://127.0.0.1:9/" });
    await admin("PATCH", `/chains/${dead.chain}/upstreams/${dead.upstreamId}`, { public: true });
    const healthy = await fixture();
    expect((await rpc(healthy, chainIdBody)).status).toBe(200);
    const before = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 6 && (await circuitOf(dead.chain)) !== "open"; i++)
      statuses.push((await rpc(dead, chainIdBody)).status);
    expect(await circuitOf(dead.chain)).toBe("open");
    expect(statuses).toContain(502);
    const opened = Date.now();
    await flushMetrics(env);

    const stored = await env.METRICS.getByName(dead.chain).circuitOpens(0);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.upstream).toBe(dead.upstreamId);

    const mine = await incidentsOf(dead.chain, (list) => list.some((i) => i.kind === "circuit_open"));
    const incident = mine.find((i) => i.kind === "circuit_open");
    expect(incident).toMatchObject({ upstream: "anvil", from: new Date(stored[0]?.at ?? 0).toISOString() });
    expect(incident?.detail).toBe("the circuit breaker opened: calls to it were stopped for 5 s");
    const from = Date.parse(incident?.from ?? "");
    expect(from).toBeGreaterThanOrEqual(before);
    expect(from).toBeLessThanOrEqual(opened);
    // Ended a cool-down after it opened, or still lasting while that is ahead.
    if (incident?.to !== null) expect(Date.parse(incident?.to ?? "")).toBe(from + 5_000);
    else expect(Date.now() - from).toBeLessThan(5_000 + 10_000);
    // The healthy chain, served all along, has no such incident.
    const theirs = await incidentsOf(healthy.chain, () => true);
    expect(theirs.filter((i) => i.kind === "circuit_open")).toEqual([]);
    expect(await env.METRICS.getByName(healthy.chain).circuitOpens(0)).toEqual([]);

    const html = await (await call("/status")).text();
    expect(html).toContain('data-incident="circuit_open"');
    expect(html).toContain("circuit breaker opened (anvil)");
    expect(html).not.toContain("127.0.0.1");
  });

  test("openings that cannot be read leave the chain's state and other incidents on the page", async () => {
    const f = await fixture();
    expect((await rpc(f, chainIdBody)).status).toBe(200);
    await flushMetrics(env);
    await admin("PATCH", `/chains/${f.chain}/upstreams/${f.upstreamId}`, { enabled: false });
    await admin("PATCH", `/chains/${f.chain}/upstreams/${f.upstreamId}`, { enabled: true });
    const real = env.METRICS.getByName.bind(env.METRICS);
    vi.spyOn(env.METRICS, "getByName").mockImplementation((name: string) => {
      const stub = real(name);
      return {
        series: (q: Parameters<typeof stub.series>[0]) => stub.series(q),
        circuitOpens: () => Promise.reject(new Error("circuit openings unreadable")),
      } as unknown as ReturnType<typeof real>;
    });
    const deadline = Date.now() + 12_000;
    let mine: { reason: string; incidents: StatusIncident[] } | undefined;
    while (!mine && Date.now() < deadline) {
      const status = await (await call("/status.json")).json<{
        chains: { chain: string; reason: string; incidents: StatusIncident[] }[];
      }>();
      mine = status.chains.find((c) => c.chain === f.chain);
      if (!mine) await new Promise((r) => setTimeout(r, 500));
    }
    // Not the report of a chain that could not be read at all (state unknown, for that reason).
    expect(mine?.reason).toBe("no upstream probe in the last 5 minutes");
    expect(mine?.incidents.map((i) => [i.kind, i.to === null])).toEqual([["upstream_disabled", false]]);
  });
});

describe("openings in batches that fail", () => {
  test("a batch whose delivery fails, or whose reply is lost, stores its openings once", async () => {
    const f = await fixture();
    await flushMetrics(env);
    const metrics = env.METRICS;
    const real = metrics.getByName.bind(metrics);
    const spy = vi.spyOn(metrics, "getByName").mockImplementation(() => {
      throw new Error("metrics object unreachable");
    });
    const now = Date.now();
    noteCircuitOpen(f.chain, f.upstreamId, now - 2_000);
    await flushMetrics(env);
    expect(await real(f.chain).circuitOpens(0)).toEqual([]);
    // Delivered, but the reply never comes back: the isolate keeps both batches and sends them again.
    spy.mockImplementation((name: string) => {
      const stub = real(name);
      return {
        ingest: async (batch: Parameters<typeof stub.ingest>[0]) => {
          await stub.ingest(batch);
          throw new Error("reply lost");
        },
      } as unknown as ReturnType<typeof real>;
    });
    noteCircuitOpen(f.chain, f.upstreamId, now - 1_000);
    await flushMetrics(env);
    spy.mockRestore();
    await flushMetrics(env);
    expect(await real(f.chain).circuitOpens(0)).toEqual([
      { upstream: f.upstreamId, at: now - 1_000 },
      { upstream: f.upstreamId, at: now - 2_000 },
    ]);
  });

  test("past the bound between two flushes, openings are dropped and logged, never held without end", async () => {
    const f = await fixture();
    await flushMetrics(env);
    const warn = vi.spyOn(console, "warn");
    const now = Date.now();
    for (let i = 0; i < MAX_OPENS_PER_CHAIN + 10; i++) noteCircuitOpen(f.chain, f.upstreamId, now - i);
    await flushMetrics(env);
    expect(await env.METRICS.getByName(f.chain).circuitOpens(0)).toHaveLength(MAX_OPENS_PER_CHAIN);
    const logged = warn.mock.calls.map((c) => String(c[0]));
    expect(logged).toContain(JSON.stringify({ event: "circuit_opens_dropped", chain: f.chain, count: 10 }));
  });
});
