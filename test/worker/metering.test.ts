// Compute-unit limits as a tenant sees them, inside workerd with the real tenant meter (Durable
// Object), D1 and anvil: rate and quota refusals, their headers and bodies, key caps, admin changes,
// the fail mode when the meter cannot be reached, and usage that survives the meter's eviction.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { admin, adminToken, call, type Fixture, fixture, rpc, usageOf } from "./fixtures";

const BLOCK_NUMBER = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}';
/** What eth_blockNumber costs (shared/metering/computeUnits.ts). */
const CU = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tally {
  admitted: number;
  refused: number;
  other: string[];
}

/** Sends eth_blockNumber at `perSecond` until `until` (ms), counting results and 429s. */
async function paced(f: Fixture, perSecond: number, until: number, tally: Tally) {
  let next = Date.now();
  while (Date.now() < until) {
    const res = await rpc(f, BLOCK_NUMBER);
    const body = await res.json<{ result?: string; error?: { code: number } }>();
    if (res.status === 200 && body.result) tally.admitted += 1;
    else if (res.status === 429 && body.error?.code === -32005) tally.refused += 1;
    else tally.other.push(`${res.status} ${JSON.stringify(body)}`);
    next += 1000 / perSecond;
    await sleep(Math.max(0, next - Date.now()));
  }
}

const newTally = (): Tally => ({ admitted: 0, refused: 0, other: [] });

/** Sends eth_blockNumber one at a time until the first refusal; returns the results before it and the refusal. */
async function untilRefused(f: Fixture, most = 200) {
  for (let admitted = 0; admitted < most; admitted++) {
    const res = await rpc(f, BLOCK_NUMBER);
    if (res.status !== 200) return { admitted, refusal: res };
  }
  throw new Error(`no refusal after ${most} calls`);
}

describe("the rate limit", () => {
  test("8 clients at twice the limit for 4 s: admitted CU within 5% of rate x time + burst; another tenant unaffected", async () => {
    const limits = { cuPerSecond: 400, burstCu: 100 };
    const [hot, quiet] = await Promise.all([fixture({ plan: limits }), fixture({ plan: limits })]);
    // Resolve each key and chain once before the clock starts (a malformed body is refused before
    // metering): cold, the first calls take 0.15-0.2 s to reach the meter, 60-80 CU of the window.
    for (const f of [hot, quiet]) expect((await rpc(f, "{")).status).toBe(400);
    const start = Date.now();
    const until = start + 4_000;
    const hotTally = newTally();
    const quietTally = newTally();
    // 8 x 10 calls/s x 10 CU = 800 CU/s against 400 CU/s; the quiet tenant sends 100 CU/s.
    await Promise.all([
      ...Array.from({ length: 8 }, () => paced(hot, 10, until, hotTally)),
      paced(quiet, 10, until, quietTally),
    ]);
    const seconds = (Date.now() - start) / 1000;
    const expected = limits.cuPerSecond * seconds + limits.burstCu;
    console.log(
      JSON.stringify({ admittedCu: hotTally.admitted * CU, expectedCu: Math.round(expected), seconds }),
    );
    expect(hotTally.other).toEqual([]);
    expect(hotTally.refused).toBeGreaterThan(100);
    expect(Math.abs(hotTally.admitted * CU - expected) / expected).toBeLessThanOrEqual(0.05);
    // The stated bound: leasing never admits more than the bucket alone would.
    expect(hotTally.admitted * CU).toBeLessThanOrEqual(expected);
    expect(quietTally).toMatchObject({ refused: 0, other: [] });
    expect(quietTally.admitted).toBeGreaterThan(30);
  });

  test("a refusal is HTTP 429, JSON-RPC -32005 naming the limit, with Retry-After and x-ratelimit-* headers", async () => {
    const f = await fixture({ plan: { cuPerSecond: 20, burstCu: 40 } });
    const ok = await rpc(f, BLOCK_NUMBER);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-ratelimit-limit")).toBe("20");
    expect(Number(ok.headers.get("x-ratelimit-remaining"))).toBeLessThanOrEqual(30);
    expect(Number(ok.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    const { admitted, refusal } = await untilRefused(f);
    // The burst of 40 CU holds the first call and three more (plus what refilled meanwhile).
    expect(admitted).toBeGreaterThanOrEqual(3);
    expect(refusal.status).toBe(429);
    expect(refusal.headers.get("retry-after")).toBe("1");
    expect(refusal.headers.get("x-ratelimit-limit")).toBe("20");
    expect(refusal.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refusal.headers.get("x-ratelimit-reset")).toBe("1");
    expect(await refusal.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32005,
        message: "rate limit exceeded: this plan allows 20 CU per second; retry in 1 s",
        data: { code: "limit_exceeded", limit: "rate", cuPerSecond: 20, retryAfter: 1 },
      },
    });
    await sleep(1_100);
    expect((await rpc(f, BLOCK_NUMBER)).status).toBe(200);
  });

  test("a batch costs the sum of its calls", async () => {
    const f = await fixture({ plan: { cuPerSecond: 1, burstCu: 30 } });
    const batch = (n: number) => `[${Array.from({ length: n }, () => BLOCK_NUMBER).join(",")}]`;
    // 3 x 10 CU fits the burst of 30 exactly; the next single call does not.
    expect((await rpc(f, batch(3))).status).toBe(200);
    expect((await rpc(f, BLOCK_NUMBER)).status).toBe(429);
  });

  test("a key capped below its plan is refused at its cap; the tenant's other keys are not", async () => {
    const f = await fixture({ plan: { cuPerSecond: 10_000, burstCu: 10_000 } });
    const capped = await admin<{ id: string; key: string; cuPerSecond: number }>(
      "POST",
      `/tenants/${f.tenantId}/keys`,
      { name: "capped", cuPerSecond: 30 },
    );
    expect(capped.cuPerSecond).toBe(30);
    const { admitted, refusal } = await untilRefused({ ...f, key: capped.key });
    expect(admitted).toBeLessThanOrEqual(4);
    expect(refusal.status).toBe(429);
    expect(refusal.headers.get("x-ratelimit-limit")).toBe("30");
    expect(await refusal.json()).toMatchObject({
      error: {
        code: -32005,
        message: "rate limit exceeded: this key is capped at 30 CU per second; retry in 1 s",
        data: { code: "limit_exceeded", limit: "key_rate" },
      },
    });
    for (let i = 0; i < 10; i++) expect((await rpc(f, BLOCK_NUMBER)).status).toBe(200);
  });

  test("plan and key changes through the admin API apply to the next request", async () => {
    const f = await fixture({ plan: { cuPerSecond: 1_000, burstCu: 1_000 } });
    expect((await rpc(f, BLOCK_NUMBER)).headers.get("x-ratelimit-limit")).toBe("1000");
    await admin("PATCH", `/plans/${f.planId}`, { cuPerSecond: 700 });
    expect((await rpc(f, BLOCK_NUMBER)).headers.get("x-ratelimit-limit")).toBe("700");
    await admin("PATCH", `/keys/${f.keyId}`, { cuPerSecond: 50 });
    expect((await rpc(f, BLOCK_NUMBER)).headers.get("x-ratelimit-limit")).toBe("50");
    await admin("PATCH", `/keys/${f.keyId}`, { cuPerSecond: null });
    expect((await rpc(f, BLOCK_NUMBER)).headers.get("x-ratelimit-limit")).toBe("700");
  });

  test("bad limits in the admin API are refused, naming the field", async () => {
    const f = await fixture();
    const res = await call(`/admin/v1/plans/${f.planId}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${await adminToken()}` },
      body: JSON.stringify({ cuPerSecond: 0, onMeterDown: "maybe" }),
    });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { data: { fields: Record<string, string> } } }>();
    expect(Object.keys(body.error.data.fields).sort()).toEqual(["cuPerSecond", "onMeterDown"]);
  });
});

describe("the monthly quota", () => {
  test("stops traffic exactly at the quota, with its own message and code, until the month ends", async () => {
    const f = await fixture({ plan: { monthlyCu: 200, cuPerSecond: 10_000, burstCu: 10_000 } });
    const tally = newTally();
    const until = Date.now() + 1_500;
    await Promise.all(Array.from({ length: 8 }, () => paced(f, 50, until, tally)));
    expect(tally.other).toEqual([]);
    expect(tally.admitted * CU).toBe(200);
    const refusal = await rpc(f, BLOCK_NUMBER);
    expect(refusal.status).toBe(429);
    const now = new Date();
    const renews = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(Number(refusal.headers.get("retry-after"))).toBeCloseTo(
      (renews.getTime() - Date.now()) / 1000,
      -2,
    );
    expect(await refusal.json()).toMatchObject({
      error: {
        code: -32005,
        message: `monthly quota exhausted: this plan allows 200 CU per month, and it renews at ${renews.toISOString()}`,
        data: { code: "quota_exceeded", limit: "monthly_quota", monthlyCu: 200 },
      },
    });
    // GET /v1/usage is metered too (10 CU): with the quota spent, it is refused like a call.
    const usageRefused = await call("/v1/usage", { headers: { "x-api-key": f.key } });
    expect(usageRefused.status).toBe(429);
    expect(await usageRefused.json()).toMatchObject({ error: { data: { code: "quota_exceeded" } } });
    await sleep(1_500);
    const usage = await admin<{ totals: unknown }>("GET", `/tenants/${f.tenantId}/usage`);
    expect(usage.totals).toEqual({ requests: 20, cu: 200, errors: 0 });
    // A raised quota applies to the next request, though the refusal said to wait for the month's end.
    await admin("PATCH", `/plans/${f.planId}`, { monthlyCu: 300 });
    expect((await rpc(f, BLOCK_NUMBER)).status).toBe(200);
  });
});

describe("usage", () => {
  test("evicting the tenant's meter mid-run loses no usage: D1 totals equal what was admitted", async () => {
    const f = await fixture({ plan: { cuPerSecond: 300, burstCu: 100 } });
    const tally = newTally();
    const until = Date.now() + 3_000;
    const meter = env.METER.getByName(f.tenantId);
    const evictions = (async () => {
      for (const at of [700, 1_500, 2_300]) {
        await sleep(at - (3_000 - (until - Date.now())));
        await evictDurableObject(meter);
      }
    })();
    await Promise.all([...Array.from({ length: 4 }, () => paced(f, 10, until, tally)), evictions]);
    expect(tally.other).toEqual([]);
    expect(tally.refused).toBeGreaterThan(0);
    const usage = await usageOf(f);
    expect(usage.totals).toEqual({ requests: tally.admitted, cu: tally.admitted * CU, errors: 0 });
    const rows = await env.DB.prepare(
      "SELECT day, key_id, chain, family, requests, cu, errors FROM usage_daily WHERE tenant_id = ?",
    )
      .bind(f.tenantId)
      .all();
    expect(rows.results).toEqual([
      {
        day: new Date().toISOString().slice(0, 10),
        key_id: f.keyId,
        chain: f.chain,
        family: "read",
        requests: tally.admitted,
        cu: tally.admitted * CU,
        errors: 0,
      },
    ]);
  });

  test("counts calls per method family, with errors, and the admin API shows the same", async () => {
    const f = await fixture();
    const calls = [
      BLOCK_NUMBER,
      '{"jsonrpc":"2.0","id":2,"method":"eth_call","params":[{"to":"0x0000000000000000000000000000000000000000"},"latest"]}',
      '{"jsonrpc":"2.0","id":3,"method":"eth_getLogs","params":[{"fromBlock":"0x0","toBlock":"0x0"}]}',
      '{"jsonrpc":"2.0","id":4,"method":"debug_traceCall","params":[]}',
    ];
    expect((await rpc(f, `[${calls.join(",")}]`)).status).toBe(200);
    // The admin API first: the GET /v1/usage below is charged too (10 CU, family "usage").
    await sleep(1_500);
    const fromAdmin = await admin<{ totals: unknown; month: { cu: number; monthlyCu: number } }>(
      "GET",
      `/tenants/${f.tenantId}/usage`,
    );
    expect(fromAdmin.totals).toEqual({ requests: 4, cu: 111, errors: 1 });
    expect(fromAdmin.month).toMatchObject({ cu: 111, monthlyCu: 30_000_000 });
    const otherKey = await admin<{ totals: unknown; month: { cu: number } }>(
      "GET",
      `/tenants/${f.tenantId}/usage?keyId=key_other`,
    );
    expect(otherKey.totals).toEqual({ requests: 0, cu: 0, errors: 0 });
    expect(otherKey.month.cu).toBe(111);
    const usage = await usageOf(f);
    const byFamily = Object.fromEntries(
      (usage.rows as { family: string; requests: number; cu: number; errors: number }[]).map((r) => [
        r.family,
        [r.requests, r.cu, r.errors],
      ]),
    );
    // debug_ is not in this plan: refused, so it costs nothing but counts as an error.
    expect(byFamily).toEqual({ read: [1, 10, 0], call: [1, 26, 0], logs: [1, 75, 0], debug: [1, 0, 1] });
  });

  test("the usage endpoint needs a key and checks its query", async () => {
    const f = await fixture();
    expect((await call("/v1/usage")).status).toBe(401);
    const bad = await call("/v1/usage?from=yesterday", { headers: { "x-api-key": f.key } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { data: { fields: { from: expect.any(String) } } } });
  });
});

describe("when the meter cannot be reached", () => {
  /** Holds every call to the tenant's meter for `ms`, as an overloaded object would. */
  function stall(f: Fixture, ms: number) {
    const meter = env.METER.getByName(f.tenantId);
    return runInDurableObject(meter, (_, state) => state.blockConcurrencyWhile(() => sleep(ms)));
  }

  test("by default the lease in hand is served, then requests are refused with 503", async () => {
    // A lease is a tenth of a second of the rate: 100 CU, ten calls. The first call is served on
    // the opening credit and charged on its own with the request for that lease.
    const f = await fixture({ plan: { cuPerSecond: 1_000, burstCu: 1_000 } });
    expect((await rpc(f, BLOCK_NUMBER)).status).toBe(200);
    const stalled = stall(f, 3_000);
    await sleep(50);
    const { admitted, refusal } = await untilRefused(f);
    expect(admitted).toBe(10);
    expect(refusal.status).toBe(503);
    expect(refusal.headers.get("retry-after")).toBe("1");
    expect(await refusal.json()).toMatchObject({
      error: {
        code: -32015,
        message: expect.stringContaining("rate limiter unavailable"),
        data: { code: "meter_unavailable" },
      },
    });
    await stalled;
    await sleep(1_000);
    expect((await rpc(f, BLOCK_NUMBER)).status).toBe(200);
  });

  test("a plan that fails open keeps serving", async () => {
    const f = await fixture({ plan: { cuPerSecond: 1_000, burstCu: 1_000, onMeterDown: "open" } });
    expect((await rpc(f, BLOCK_NUMBER)).status).toBe(200);
    const stalled = stall(f, 3_000);
    await sleep(50);
    for (let i = 0; i < 20; i++) expect((await rpc(f, BLOCK_NUMBER)).status).toBe(200);
    await stalled;
    const usage = await usageOf(f);
    expect(usage.totals).toMatchObject({ requests: 21, cu: 210 });
  });
});
