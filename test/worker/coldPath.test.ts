// The cold path of a JSON-RPC request with real bindings, through the bench's edge model
// (shared/bench/edgeLatency.ts), whose x-bench-round-trips header names the binding calls made one
// after another before the upstream call: a key new to this isolate costs one bulk KV read, a known
// key no D1, a warm one nothing; a KV record past the 60 s bound is read again from D1, so a revoked
// key stops; a fresh tenant's opening credit admits at most its stated bound past its quota, and
// none once the meter answered for the tenant.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { ROUND_TRIPS_HEADER } from "../../shared/bench/edgeLatency";
import { REVOCATION_BOUND_MS } from "../../shared/config/readThrough";
import { forgetKey, hashOf, keyCacheKey } from "../../shared/keys/resolveKey";
import { openingCredit } from "../../shared/metering/lease";
import worker from "../../workers/gateway/src/index";
import { admin, BASE, type Fixture, fireCron, fixture, rpc } from "./fixtures";

const BLOCK_NUMBER = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}';
/** What eth_blockNumber costs (shared/metering/computeUnits.ts). */
const CU = 10;
/**
 * KV and D1 answer after a few ms; the meter after longer than anything before the upstream call
 * takes, so a call to it in the background cannot pass for one waited on.
 */
const EDGE = JSON.stringify({ kv: 5, d1: 5, do: 200 });

/** One call through the edge model: its status, and the round trips it reports. */
async function edgeCall(f: Fixture): Promise<{ status: number; roundTrips: string | null }> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/v1/${f.chain}/${f.key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: BLOCK_NUMBER,
    }),
    { ...env, BENCH_EDGE_LATENCY: EDGE },
    ctx,
  );
  await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, roundTrips: res.headers.get(ROUND_TRIPS_HEADER) };
}

/** Sends eth_blockNumber one at a time until the first refusal; the calls admitted and the refusal. */
async function untilRefused(f: Fixture, most = 100) {
  for (let admitted = 0; admitted < most; admitted++) {
    const res = await rpc(f, BLOCK_NUMBER);
    if (res.status !== 200) return { admitted, refusal: res };
  }
  throw new Error(`no refusal after ${most} calls`);
}

describe("before the upstream call", () => {
  test("a new key reads key, chain and health in one KV read; a known key no D1; a warm one nothing", async () => {
    const f = await fixture();
    // The probe job's snapshot of the new chain: the first call need not wait for a probe.
    await fireCron("* * * * *");
    // Never read anywhere: KV has no record of the key, so D1 answers after the one bulk read. (The
    // probe job ran in this same isolate and may have left the chain in its memory.)
    const first = await edgeCall(f);
    expect(first.status).toBe(200);
    expect(first.roundTrips).toMatch(/^2 kv:key(\+chain)?\+health,d1:api_keys$/);
    // As a new isolate meets it: KV holds its record now, within the bound, so no D1.
    forgetKey(await hashOf(f.key));
    expect(await edgeCall(f)).toEqual({ status: 200, roundTrips: "1 kv:key" });
    // Warm: the key, chain, health and lease are all in memory.
    expect(await edgeCall(f)).toEqual({ status: 200, roundTrips: "0" });
  });

  test("without the bench setting, responses carry no round-trip header", async () => {
    const f = await fixture();
    const res = await rpc(f, BLOCK_NUMBER);
    expect(res.status).toBe(200);
    expect(res.headers.has(ROUND_TRIPS_HEADER)).toBe(false);
  });
});

describe("the revocation bound", () => {
  test("a KV record of a revoked key read from D1 over 60 s ago is read again: refused; another tenant served", async () => {
    const [victim, other] = await Promise.all([fixture(), fixture()]);
    expect((await rpc(victim, BLOCK_NUMBER)).status).toBe(200);
    const name = keyCacheKey(await hashOf(victim.key));
    const record = await env.CONFIG_KV.get<{ at: number; value: unknown }>(name, "json");
    expect(record?.value).toMatchObject({ keyId: victim.keyId });
    await admin("DELETE", `/keys/${victim.keyId}`);
    // A location whose KV still holds the record from before the revocation, read past the bound.
    await env.CONFIG_KV.put(
      name,
      JSON.stringify({ ...record, at: Date.now() - REVOCATION_BOUND_MS - 1_000 }),
    );
    forgetKey(await hashOf(victim.key));
    const refused = await rpc(victim, BLOCK_NUMBER);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { data: { code: "unauthorized" } } });
    expect((await rpc(other, BLOCK_NUMBER)).status).toBe(200);
  });

  test("an unknown key new to this isolate is refused after its one bulk read; another tenant served", async () => {
    const [f, other] = await Promise.all([fixture(), fixture()]);
    const unknown = { ...f, key: `rpc_${crypto.randomUUID().replaceAll("-", "")}` };
    expect((await rpc(unknown, BLOCK_NUMBER)).status).toBe(401);
    expect((await rpc(unknown, BLOCK_NUMBER)).status).toBe(401);
    expect((await rpc(other, BLOCK_NUMBER)).status).toBe(200);
  });
});

describe("the opening credit", () => {
  test("a tenant refused in this isolate gets no credit through a key new to it; another tenant served", async () => {
    const plan = { monthlyCu: 100, cuPerSecond: 1_000, burstCu: 1_000 };
    const [f, other] = await Promise.all([fixture({ plan }), fixture({ plan })]);
    const first = await untilRefused(f);
    expect(first.admitted * CU).toBe(100);
    expect(first.refusal.status).toBe(429);
    // A second key of the same tenant: the object has refused the tenant in this isolate already,
    // which ends the tenant's opening credit for every one of its keys.
    const second = await admin<{ key: string }>("POST", `/tenants/${f.tenantId}/keys`, { name: "second" });
    const { admitted, refusal } = await untilRefused({ ...f, key: second.key });
    expect(admitted).toBe(0);
    expect(refusal.status).toBe(429);
    expect(await refusal.json()).toMatchObject({ error: { data: { code: "quota_exceeded" } } });
    expect((await rpc(other, BLOCK_NUMBER)).status).toBe(200);
  });

  test("what a fresh key spends on credit counts against its quota", async () => {
    const plan = { monthlyCu: 30, cuPerSecond: 1_000, burstCu: 1_000 };
    const f = await fixture({ plan });
    const { admitted, refusal } = await untilRefused(f);
    const credit = openingCredit({ ratePerSecond: plan.cuPerSecond, burst: plan.burstCu });
    expect(admitted * CU).toBeGreaterThanOrEqual(30);
    // Only calls admitted on credit before the object's first answer can go past the quota.
    expect(admitted * CU).toBeLessThanOrEqual(30 + credit);
    expect(refusal.status).toBe(429);
    expect(await refusal.json()).toMatchObject({ error: { data: { code: "quota_exceeded" } } });
  });
});
