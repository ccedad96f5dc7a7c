// Who may call: API keys in each of their three places, revocation, and the admin API's JWT.
import { env } from "cloudflare:workers";
import { base64url } from "jose";
import { beforeAll, describe, expect, test } from "vitest";
import { admin, adminToken, call, type Fixture, fixture, rpc } from "./fixtures";

const body = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}';
const post = (path: string, headers: Record<string, string> = {}) =>
  call(path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

describe("API keys", () => {
  test.each<[string, (f: Fixture) => Promise<Response>]>([
    ["in the path", (f) => post(`/v1/${f.chain}/${f.key}`)],
    ["in x-api-key", (f) => post(`/v1/${f.chain}`, { "x-api-key": f.key })],
    ["as Authorization: Bearer", (f) => post(`/v1/${f.chain}`, { authorization: `Bearer ${f.key}` })],
  ])("a key %s is accepted", async (_, send) => {
    const res = await send(f);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
  });

  test("a missing key gets 401 saying where a key goes", async () => {
    const res = await post(`/v1/${f.chain}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      id: null,
      error: { code: -32016, data: { code: "unauthorized" }, message: expect.stringContaining("x-api-key") },
    });
  });

  test("an unknown key and a revoked key get the same 401, with no hint which", async () => {
    const unknown = await post(`/v1/${f.chain}/rpc_thiskeydoesnotexist000000000000`);
    const revokedFixture = await fixture();
    await admin("DELETE", `/keys/${revokedFixture.keyId}`);
    const revoked = await rpc(revokedFixture, body);
    expect(unknown.status).toBe(401);
    expect(revoked.status).toBe(401);
    expect(await revoked.text()).toBe(await unknown.text());
  });

  test("a revoked key stops working at once in the isolate that revoked it, even after use", async () => {
    const g = await fixture();
    expect((await rpc(g, body)).status).toBe(200);
    const revokedKey = await admin<{ revokedAt: number | null }>("DELETE", `/keys/${g.keyId}`);
    expect(revokedKey.revokedAt).toBeTypeOf("number");
    expect((await rpc(g, body)).status).toBe(401);
  });

  test("a key is stored only as its hash and a short prefix", async () => {
    const rows = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?1").bind(f.keyId).all();
    const stored = JSON.stringify(rows.results);
    expect(stored).not.toContain(f.key);
    expect(rows.results[0]).toMatchObject({ prefix: f.key.slice(0, 12) });
  });

  test("an auth failure is checked before the chain, so unknown chains are not probed", async () => {
    const res = await post("/v1/nochain/rpc_wrong");
    expect(res.status).toBe(401);
  });
});

describe("admin API tokens", () => {
  const listPlans = (authorization?: string) =>
    call("/admin/v1/plans", { headers: authorization ? { authorization } : {} });

  test("a valid token is accepted", async () => {
    expect((await listPlans(`Bearer ${await adminToken()}`)).status).toBe(200);
  });

  test("no token gets 401", async () => {
    const res = await listPlans();
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: -32016, data: { code: "unauthorized" } } });
  });

  test("an expired token gets 401", async () => {
    const token = await adminToken({ expiresIn: "-5m" });
    expect((await listPlans(`Bearer ${token}`)).status).toBe(401);
  });

  test("a token signed with another secret gets 401", async () => {
    const token = await adminToken({ secret: "another-secret-another-secret-another-secret" });
    expect((await listPlans(`Bearer ${token}`)).status).toBe(401);
  });

  test("a token with alg none gets 401", async () => {
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    const token = `${enc({ alg: "none", typ: "JWT" })}.${enc({ sub: "x", exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    expect((await listPlans(`Bearer ${token}`)).status).toBe(401);
  });

  test("a token without exp gets 401", async () => {
    const { SignJWT } = await import("jose");
    const token = await new SignJWT({ sub: "x" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(env.ADMIN_JWT_SECRET));
    expect((await listPlans(`Bearer ${token}`)).status).toBe(401);
  });

  test("an API key is not an admin token", async () => {
    expect((await listPlans(`Bearer ${f.key}`)).status).toBe(401);
  });
});

describe("revocation bound", () => {
  test("a copy cached elsewhere is trusted for at most 45 s in KV (+15 s in memory), then D1 decides", async () => {
    const { forgetKey, keyCacheKey } = await import("../../shared/keys/resolveKey");
    const { sha256Hex } = await import("../../shared/crypto/hash");
    const g = await fixture();
    expect((await rpc(g, body)).status).toBe(200);
    const hash = await sha256Hex(g.key);
    const cacheKey = keyCacheKey(hash);
    const cached = (await env.CONFIG_KV.get<{ at: number; value: unknown }>(cacheKey, "json"))?.value;
    expect(cached).toMatchObject({ keyId: g.keyId, tenantId: g.tenantId });

    // Revoked in D1 by another location: this location's KV copy has not heard of it yet.
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ?1 WHERE id = ?2").bind(Date.now(), g.keyId).run();
    const seen = async (ageMs: number) => {
      await env.CONFIG_KV.put(cacheKey, JSON.stringify({ at: Date.now() - ageMs, value: cached }));
      forgetKey(hash);
      return (await rpc(g, body)).status;
    };
    expect(await seen(30_000)).toBe(200);
    expect(await seen(46_000)).toBe(401);
  });
});
