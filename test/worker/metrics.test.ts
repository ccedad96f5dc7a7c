// Request metrics end to end in workerd: traffic of a known shape (calls over two upstreams, cache
// hits, refusals, service errors) comes out with exactly those counts in the public /status.json and
// in the console's data endpoint, each call is written to Analytics Engine in the documented shape,
// and no page carries an upstream URL or API key.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, test, vi } from "vitest";
import { flushMetrics } from "../../shared/metrics/collector";
import { admin, adminToken, call, fixture, rpc } from "./fixtures";

// Never cached (a block tag): each goes to an upstream.
const balance =
  '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x00000000000000000000000000000000000000aa","latest"]}';
const genesis = '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0x0",false]}';
const sign =
  '{"jsonrpc":"2.0","id":1,"method":"eth_sign","params":["0x00000000000000000000000000000000000000aa","0x00"]}';

async function send(f: { chain: string; key: string }, body: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const res = await rpc({ ...f, tenantId: "", keyId: "", planId: "", upstreamId: "" }, body);
    await res.text();
    statuses.push(res.status);
  }
  return statuses;
}

interface Totals {
  requests: number;
  errors: number;
}

afterEach(() => vi.restoreAllMocks());

describe("request metrics", () => {
  test("calls, errors and cache hits over two upstreams are counted exactly, in /status.json and the console's endpoint", async () => {
    const points: AnalyticsEngineDataPoint[] = [];
    const analytics = env.ANALYTICS as AnalyticsEngineDataset;
    vi.spyOn(analytics, "writeDataPoint").mockImplementation((point) => {
      points.push(point as AnalyticsEngineDataPoint);
    });
    const f = await fixture();
    const first = f.upstreamId;
    expect(await send(f, balance, 4)).toEqual([200, 200, 200, 200]);
    // The genesis block: once from the upstream, then twice from the cache.
    expect(await send(f, genesis, 3)).toEqual([200, 200, 200]);
    // Refused by the gateway: not an error of the service.
    expect(await send(f, sign, 1)).toHaveLength(1);
    const second = await admin<{ id: string }>("POST", `/chains/${f.chain}/upstreams`, {
      name: "anvil-2",
      url: env.TEST_ANVIL_URL,
    });
    await admin("PATCH", `/chains/${f.chain}/upstreams/${first}`, { enabled: false });
    expect(await send(f, balance, 3)).toEqual([200, 200, 200]);
    // Only a dead upstream left: two calls the service fails.
    await admin("POST", `/chains/${f.chain}/upstreams`, { name: "dead", url: "http://127.0.0.1:9/" });
    await admin("PATCH", `/chains/${f.chain}/upstreams/${second.id}`, { enabled: false });
    const failed = await send(f, balance, 2);
    expect(failed).toEqual([502, 502]);
    await flushMetrics(env);

    const status = await (await call("/status.json")).json<{
      chains: { chain: string; lastHour: Totals & { errorRate: number; p50: number | null } }[];
    }>();
    const mine = status.chains.find((c) => c.chain === f.chain);
    expect(mine?.lastHour).toMatchObject({ requests: 13, errors: 2, errorRate: 2 / 13 });
    expect(mine?.lastHour.p50).toBeGreaterThan(0);

    const res = await call(`/admin/v1/metrics/${f.chain}`, {
      headers: { authorization: `Bearer ${await adminToken()}` },
    });
    const metrics = await res.json<{ totals: Totals; by: Record<string, Record<string, Totals>> }>();
    expect(metrics.totals).toMatchObject({ requests: 13, errors: 2 });
    expect(metrics.by.upstream?.[first]?.requests).toBe(5);
    expect(metrics.by.upstream?.[second.id]?.requests).toBe(3);
    expect(metrics.by.cache?.HIT?.requests).toBe(2);
    expect(metrics.by.status).toMatchObject({
      ok: { requests: 10 },
      refused: { requests: 1 },
      "5xx": { requests: 2 },
    });
    expect(metrics.by.tenant?.[f.tenantId]?.requests).toBe(13);
    // The chain's whole rows (every dimension "*", what the status page reads) are not a tenant here.
    expect(Object.keys(metrics.by.tenant ?? {})).toEqual([f.tenantId]);

    // One Analytics Engine data point per call, in the documented shape.
    const mineInAe = points.filter((p) => p.blobs?.[0] === f.chain);
    expect(mineInAe).toHaveLength(13);
    for (const p of mineInAe) {
      expect(p.blobs).toHaveLength(6);
      expect(p.blobs?.[5]).toBe(f.tenantId);
      expect(p.doubles).toHaveLength(3);
      expect(p.indexes).toEqual([f.tenantId]);
    }
    expect(mineInAe.filter((p) => p.blobs?.[4] === "HIT")).toHaveLength(2);

    // Nothing on the page names an upstream's URL or a key.
    const text = JSON.stringify(status);
    expect(text).not.toContain(env.TEST_ANVIL_URL);
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain(f.key);
  });
});

async function consoleTotals(chain: string) {
  const token = await adminToken();
  const res = await call(`/admin/v1/metrics/${chain}`, { headers: { authorization: `Bearer ${token}` } });
  return res.json<{ totals: Totals; lost: number }>();
}

describe("names of Object's own properties", () => {
  test("a call to a method named constructor or __proto__ is counted as a read and breaks no batch", async () => {
    const f = await fixture();
    await flushMetrics(env);
    for (const method of ["constructor", "__proto__", "toString", "hasOwnProperty_x"]) {
      await send(f, JSON.stringify({ jsonrpc: "2.0", id: 1, method }), 1);
    }
    await send(f, balance, 1);
    await flushMetrics(env);
    const token = await adminToken();
    const res = await call(`/admin/v1/metrics/${f.chain}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json<{
      totals: Totals;
      by: Record<string, Record<string, Totals>>;
      lost: number;
    }>();
    expect(body.totals.requests).toBe(5);
    expect(Object.keys(body.by.family ?? {}).sort()).toEqual(["read"]);
    expect(body.lost).toBe(0);
  });
});

describe("flushes that fail", () => {
  test("a batch whose delivery fails, or whose reply is lost, is sent again and counted once", async () => {
    const f = await fixture();
    await flushMetrics(env);
    const metrics = env.METRICS;
    const real = metrics.getByName.bind(metrics);
    const spy = vi.spyOn(metrics, "getByName");
    spy.mockImplementation(() => {
      throw new Error("metrics object unreachable");
    });
    await send(f, balance, 3);
    await flushMetrics(env);
    // Read from the object itself (the console's endpoint goes through the binding that now fails).
    const now = Date.now();
    const direct = await real(f.chain).series({ from: now - 3_600_000, to: now + 60_000, stepMs: 3_660_000 });
    expect(direct.totals.requests).toBe(0);
    // Delivered, but the reply never comes back: the isolate keeps the batch and sends it again.
    spy.mockImplementation((name: string) => {
      const stub = real(name);
      return {
        ingest: async (batch: Parameters<typeof stub.ingest>[0]) => {
          await stub.ingest(batch);
          throw new Error("reply lost");
        },
      } as unknown as ReturnType<typeof real>;
    });
    await send(f, balance, 2);
    await flushMetrics(env);
    spy.mockRestore();
    await flushMetrics(env);
    expect(await consoleTotals(f.chain)).toMatchObject({ totals: { requests: 5, errors: 0 }, lost: 0 });
  });

  test("past a minute of failed flushes the oldest batches are dropped and reported as lost, never as delivered", async () => {
    const f = await fixture();
    await flushMetrics(env);
    const spy = vi.spyOn(env.METRICS, "getByName").mockImplementation(() => {
      throw new Error("metrics object unreachable");
    });
    // 14 flushes of one call each: 12 are kept to retry, the 2 oldest are dropped.
    for (let i = 0; i < 14; i++) {
      await send(f, balance, 1);
      await flushMetrics(env);
    }
    spy.mockRestore();
    await flushMetrics(env);
    expect(await consoleTotals(f.chain)).toMatchObject({ totals: { requests: 12 }, lost: 2 });
  });
});
