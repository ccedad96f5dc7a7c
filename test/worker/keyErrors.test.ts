// A key's recent errors by JSON-RPC code, as the tenant's dashboard reads them (keyErrorsView), from
// traffic of known shape through the real gateway, meter object and anvil: the gateway's refusals,
// the node's own errors and rate-limit refusals, per key and per tenant; and the meter's table on
// its own: a retried report counted once, the order and cap of codes, the range and the pruning.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import type { ErrorCount } from "../../shared/metering/keyErrors";
import { keyErrorsView } from "../../shared/metering/keyErrorsView";
import { dayOf } from "../../shared/metering/usage";
import { admin, type Fixture, fixture, call as get, rpc } from "./fixtures";
import { openSocket } from "./streamSockets";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const call = (method: string, params: unknown[] = [], id = 1) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });
const BLOCK_NUMBER = call("eth_blockNumber");
/** Not in the default plan: refused by the gateway. */
const DEBUG = call("debug_traceCall", [{ to: "0x0000000000000000000000000000000000000000" }, "latest"]);
/** Init code that reverts (PUSH1 0 PUSH1 0 REVERT): the node answers an execution error. */
const REVERT = call("eth_call", [{ data: "0x60006000fd" }, "latest"]);

type Entry = { result?: unknown; error?: { code: number } };

/** The codes the client was answered with, once per call: a refused batch's one error counts for each call. */
class Seen {
  readonly codes = new Map<number, number>();
  ok = 0;

  async send(f: Fixture, body: string): Promise<Response> {
    const res = await rpc(f, body);
    const json = await res.clone().json<Entry | Entry[]>();
    const calls = body.startsWith("[") ? (JSON.parse(body) as unknown[]).length : 1;
    const entries = Array.isArray(json) ? json : Array.from({ length: calls }, () => json);
    for (const e of entries) {
      if (e.error) this.codes.set(e.error.code, (this.codes.get(e.error.code) ?? 0) + 1);
      else this.ok += 1;
    }
    return res;
  }

  /** What keyErrorsView shows for these calls. */
  expected() {
    const byCode = [...this.codes].map(([code, count]) => ({ code, count }));
    byCode.sort((a, b) => b.count - a.count || a.code - b.code);
    return { total: byCode.reduce((n, r) => n + r.count, 0), byCode };
  }
}

const shown = (v: Awaited<ReturnType<typeof keyErrorsView>>) => ({
  total: v.total,
  byCode: v.byCode.map(({ code, count }) => ({ code, count })),
});

describe("a key's recent errors", () => {
  test("count each call answered with an error by its code: refusals, the node's errors and rate limits; OK calls count nothing", async () => {
    const started = Date.now();
    // 3 eth_blockNumber (30 CU) and the eth_calls fit the burst; then the bucket is empty.
    const f = await fixture({ plan: { cuPerSecond: 1, burstCu: 90 } });
    const seen = new Seen();
    for (let i = 0; i < 3; i++) expect((await seen.send(f, BLOCK_NUMBER)).status).toBe(200);
    for (let i = 0; i < 2; i++) await seen.send(f, DEBUG);
    await seen.send(
      f,
      `[${[DEBUG, call("eth_noSuchMethod", [], 2), REVERT.replace('"id":1', '"id":3')].join(",")}]`,
    );
    let refused = 0;
    for (let i = 0; i < 50 && refused < 3; i++)
      if ((await seen.send(f, BLOCK_NUMBER)).status === 429) refused++;
    expect((await seen.send(f, `[${BLOCK_NUMBER},${BLOCK_NUMBER}]`)).status).toBe(429);
    expect(seen.ok).toBeGreaterThanOrEqual(3);
    // The codes the client saw: method not allowed, the node's own error and the rate limit.
    expect(seen.codes.get(-32005)).toBe(5);
    expect(seen.codes.get(-32601)).toBeGreaterThanOrEqual(3);
    expect(seen.codes.get(3)).toBe(1);

    const view = await keyErrorsView(env, f.tenantId, f.keyId);
    expect(shown(view)).toEqual(seen.expected());
    expect(view.to).toBe(dayOf(Date.now()));
    expect(view.from).toBe(dayOf(Date.now() - 6 * 86_400_000));
    for (const row of view.byCode) {
      expect(row.lastAt).toBeGreaterThanOrEqual(started);
      expect(row.lastAt).toBeLessThanOrEqual(Date.now());
    }
    // Read again after the isolate's own loop sent the rest: nothing is counted twice.
    await sleep(1_500);
    expect(shown(await keyErrorsView(env, f.tenantId, f.keyId, 1))).toEqual(seen.expected());
  });

  test("the fixed-CU endpoints count their failures too, under the code of the error answered", async () => {
    const f = await fixture();
    const bad = await get("/v1/prices/NOSUCH-PAIR", { headers: { "x-api-key": f.key } });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const { error } = await bad.json<{ error: { code: number } }>();
    expect((await get("/v1/usage", { headers: { "x-api-key": f.key } })).status).toBe(200);
    expect(shown(await keyErrorsView(env, f.tenantId, f.keyId))).toEqual({
      total: 1,
      byCode: [{ code: error.code, count: 1 }],
    });
  });

  test("frames over a WebSocket count as calls over HTTP do: a refused frame under its code, its key only", async () => {
    const [f, other] = await Promise.all([fixture(), fixture()]);
    const socket = await openSocket(f.chain, f.key);
    const refused = await socket.call("debug_traceCall", [
      { to: "0x0000000000000000000000000000000000000000" },
      "latest",
    ]);
    const code = refused.error?.code as number;
    expect(code).toBeLessThan(0);
    expect((await socket.call("eth_blockNumber")).result).toMatch(/^0x/);
    await socket.call("debug_traceCall", [{ to: "0x0000000000000000000000000000000000000000" }, "latest"]);
    socket.ws.close();
    // The shard reports like any isolate, about once a second.
    let view = await keyErrorsView(env, f.tenantId, f.keyId);
    for (let i = 0; i < 20 && view.total < 2; i++) {
      await sleep(250);
      view = await keyErrorsView(env, f.tenantId, f.keyId);
    }
    expect(shown(view)).toEqual({ total: 2, byCode: [{ code, count: 2 }] });
    // The other tenant, served meanwhile, has none.
    expect((await rpc(other, BLOCK_NUMBER)).status).toBe(200);
    expect(shown(await keyErrorsView(env, other.tenantId, other.keyId))).toEqual({ total: 0, byCode: [] });
  });

  test("another key's and another tenant's errors are apart: each view shows its own, and no other's", async () => {
    const [victim, attacker] = await Promise.all([fixture(), fixture()]);
    const other = await admin<{ id: string; key: string }>("POST", `/tenants/${victim.tenantId}/keys`, {
      name: "other",
    });
    const victimSeen = new Seen();
    const otherSeen = new Seen();
    const attackerSeen = new Seen();
    await victimSeen.send(victim, REVERT);
    await victimSeen.send(victim, BLOCK_NUMBER);
    for (let i = 0; i < 3; i++) await otherSeen.send({ ...victim, key: other.key, keyId: other.id }, DEBUG);
    for (let i = 0; i < 4; i++) await attackerSeen.send(attacker, DEBUG);
    await attackerSeen.send(attacker, REVERT);
    await sleep(1_500);

    expect(victimSeen.expected()).toEqual({ total: 1, byCode: [{ code: 3, count: 1 }] });
    expect(shown(await keyErrorsView(env, victim.tenantId, victim.keyId))).toEqual(victimSeen.expected());
    expect(shown(await keyErrorsView(env, victim.tenantId, other.id))).toEqual(otherSeen.expected());
    expect(shown(await keyErrorsView(env, attacker.tenantId, attacker.keyId))).toEqual(
      attackerSeen.expected(),
    );
    expect(attackerSeen.expected().total).toBe(5);
    // A key asked for under a tenant it is not of: that tenant's object holds nothing of it.
    expect(shown(await keyErrorsView(env, attacker.tenantId, victim.keyId))).toEqual({
      total: 0,
      byCode: [],
    });
    expect(shown(await keyErrorsView(env, victim.tenantId, attacker.keyId))).toEqual({
      total: 0,
      byCode: [],
    });
  });
});

describe("the meter's error counts", () => {
  const today = dayOf(Date.now());
  const daysAgo = (n: number) => dayOf(Date.now() - n * 86_400_000);
  const count = (code: number, n: number, day = today, keyId = "key_a"): ErrorCount => ({
    day,
    keyId,
    code,
    count: n,
    lastAt: 1_000 + n,
  });

  test("a report sent again with the same reporter and number is applied once", async () => {
    const tenantId = crypto.randomUUID();
    const meter = env.METER.getByName(tenantId);
    const report = {
      tenantId,
      reporter: "isolate-1",
      seq: 7,
      rows: [],
      errors: [count(3, 2), count(-32005, 4)],
    };
    await meter.report(report);
    await meter.report(report);
    await meter.report({ ...report, seq: 6 });
    expect(await meter.keyErrors("key_a", today)).toEqual([
      { code: -32005, count: 4, lastAt: 1_004 },
      { code: 3, count: 2, lastAt: 1_002 },
    ]);
    await meter.report({ ...report, seq: 8, errors: [count(3, 3)] });
    await meter.report({ ...report, reporter: "isolate-2", seq: 1, errors: [count(3, 1)] });
    expect(await meter.keyErrors("key_a", today)).toEqual([
      { code: 3, count: 6, lastAt: 1_003 },
      { code: -32005, count: 4, lastAt: 1_004 },
    ]);
  });

  test("sums the days asked for by code, most first then by code, at most 50 codes; other keys left out", async () => {
    const tenantId = crypto.randomUUID();
    const meter = env.METER.getByName(tenantId);
    const errors = [
      count(-32000, 2, today),
      count(-32000, 3, daysAgo(2)),
      count(3, 5, daysAgo(1)),
      count(-32601, 1, daysAgo(3)),
      count(-32602, 5, today, "key_b"),
      ...Array.from({ length: 60 }, (_, i) => count(1_000 + i, 1, today, "key_c")),
    ];
    await meter.report({ tenantId, reporter: "r", seq: 1, rows: [], errors });
    expect(await meter.keyErrors("key_a", daysAgo(2))).toEqual([
      { code: -32000, count: 5, lastAt: 1_003 },
      { code: 3, count: 5, lastAt: 1_005 },
    ]);
    expect((await meter.keyErrors("key_a", daysAgo(3))).map((r) => r.code)).toEqual([-32000, 3, -32601]);
    const many = await meter.keyErrors("key_c", today);
    expect(many).toHaveLength(50);
    expect(many[0]).toMatchObject({ code: 1_000, count: 1 });
    expect(await meter.keyErrors("key_none", daysAgo(7))).toEqual([]);
  });

  test("keeps 8 days: older counts are pruned when the meter flushes", async () => {
    const tenantId = crypto.randomUUID();
    const meter = env.METER.getByName(tenantId);
    const errors = [count(3, 1, daysAgo(7)), count(3, 2, daysAgo(8)), count(3, 4, daysAgo(30))];
    await meter.report({ tenantId, reporter: "r", seq: 1, rows: [], errors });
    expect(await meter.keyErrors("key_a", daysAgo(40))).toEqual([{ code: 3, count: 7, lastAt: 1_004 }]);
    await meter.flush();
    expect(await meter.keyErrors("key_a", daysAgo(40))).toEqual([{ code: 3, count: 1, lastAt: 1_001 }]);
  });
});
