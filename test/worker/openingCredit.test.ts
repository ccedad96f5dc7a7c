// The opening credit's bounds as a tenant sees them, with the real tenant meter (Durable Object), D1,
// KV and anvil: a closed plan gets no credit once the meter is known unreachable; a capped key spends
// one lease of its cap on credit in all; what is spent on credit is charged to the month even when
// the meter refuses.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { ACQUIRE_TIMEOUT_MS } from "../../shared/metering/admit";
import { openingCredit } from "../../shared/metering/lease";
import { admin, type Fixture, fixture, rpc } from "./fixtures";

const BLOCK_NUMBER = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}';
/** What eth_blockNumber costs (shared/metering/computeUnits.ts). */
const CU = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds every call to the tenant's meter for `ms`, as an overloaded object would; resolves once it
 * holds them, with the end of the stall.
 */
async function stall(f: Fixture, ms: number): Promise<{ done: Promise<unknown> }> {
  const meter = env.METER.getByName(f.tenantId);
  // Started first, as after any call to it.
  await meter.keyErrors(f.keyId, "2000-01-01");
  const stalled = runInDurableObject(meter, (_, state) => state.blockConcurrencyWhile(() => sleep(ms)));
  await sleep(50);
  return { done: stalled };
}

/** Sends eth_blockNumber one at a time until the first refusal; the calls admitted and the refusal. */
async function untilRefused(f: Fixture, most = 100) {
  for (let admitted = 0; admitted < most; admitted++) {
    const res = await rpc(f, BLOCK_NUMBER);
    if (res.status !== 200) return { admitted, refusal: res };
  }
  throw new Error(`no refusal after ${most} calls`);
}

/** Resolves the key and chain in this isolate without metering anything (a malformed body). */
async function warm(f: Fixture) {
  expect((await rpc(f, "{")).status).toBe(400);
}

describe("a closed plan whose meter cannot be reached", () => {
  test("no more credit once the first request for a lease failed: 503 meter_unavailable", async () => {
    const f = await fixture({ plan: { cuPerSecond: 1_000, burstCu: 1_000 } });
    await warm(f);
    const stalled = await stall(f, 5_000);
    const first = await rpc(f, BLOCK_NUMBER);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-limit")).toBe("1000");
    // The request for the first lease, made in the background, has failed by now: 90 CU of the
    // tenant's credit are left, and none of them may be spent.
    await sleep(ACQUIRE_TIMEOUT_MS + 500);
    const refusal = await rpc(f, BLOCK_NUMBER);
    expect(refusal.status).toBe(503);
    expect(refusal.headers.get("retry-after")).toBe("1");
    expect(await refusal.json()).toMatchObject({
      error: { code: -32015, data: { code: "meter_unavailable" } },
    });
    await stalled.done;
  });
});

describe("each key's share of the credit", () => {
  test("a key capped at 100 CU/s spends one lease of its cap of the tenant's credit in all, not one per call", async () => {
    const f = await fixture({ plan: { cuPerSecond: 1_000, burstCu: 1_000 } });
    const capped = await admin<{ key: string }>("POST", `/tenants/${f.tenantId}/keys`, {
      name: "capped",
      cuPerSecond: 100,
    });
    const key = { ...f, key: capped.key };
    await Promise.all([warm(f), warm(key)]);
    const stalled = await stall(f, 5_000);
    // The tenant's other key opens its credit: one lease of the plan's rate, 100 CU, 10 spent.
    expect((await rpc(f, BLOCK_NUMBER)).status).toBe(200);
    const { admitted, refusal } = await untilRefused(key);
    const share = openingCredit({ ratePerSecond: 100, burst: 100 });
    expect(share).toBe(CU);
    expect(admitted * CU).toBe(share);
    expect(refusal.status).toBe(503);
    expect(await refusal.json()).toMatchObject({ error: { data: { code: "meter_unavailable" } } });
    await stalled.done;
  });
});

describe("what is spent on credit is charged", () => {
  test("to the month even when the meter refuses: a raised quota admits only what is left of it", async () => {
    const plan = { monthlyCu: 100, cuPerSecond: 1_000, burstCu: 1_000 };
    const f = await fixture({ plan });
    // Another location spent the month already; this isolate has not heard of the tenant.
    const elsewhere = await env.METER.getByName(f.tenantId).acquire({
      tenantId: f.tenantId,
      keyId: "elsewhere",
      limits: {
        cuPerSecond: 1_000,
        burstCu: 1_000,
        monthlyCu: 100,
        keyCuPerSecond: null,
        onMeterDown: "closed",
      },
      want: 100,
      need: 100,
      returned: 0,
    });
    expect(elsewhere.granted).toBe(100);
    const second = await admin<{ key: string }>("POST", `/tenants/${f.tenantId}/keys`, { name: "second" });
    const onCredit = await untilRefused({ ...f, key: second.key });
    expect(onCredit.admitted).toBeGreaterThanOrEqual(1);
    expect(await onCredit.refusal.json()).toMatchObject({ error: { data: { code: "quota_exceeded" } } });
    // 200 CU more this month: what the second key spent on credit is part of them.
    await admin("PATCH", `/plans/${f.planId}`, { monthlyCu: 300 });
    const raised = await untilRefused(f);
    expect(await raised.refusal.json()).toMatchObject({ error: { data: { code: "quota_exceeded" } } });
    expect((onCredit.admitted + raised.admitted) * CU).toBe(200);
  });
});
