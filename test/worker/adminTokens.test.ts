// Admin tokens (issue 18): pinned HS256, the configured iss and aud, a bounded lifetime, a scope, and
// a subject that cannot pose as a system actor. Each refusal is checked for its status, its message
// and that nothing was written: no plan, no audit row.
import { env } from "cloudflare:workers";
import { base64url, SignJWT } from "jose";
import { describe, expect, test } from "vitest";
import { adminToken, call, writtenUnder } from "./fixtures";

const secretKey = () => new TextEncoder().encode(env.ADMIN_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const goodClaims = () => ({
  sub: "mallory",
  iss: "rpc-gateway-admin",
  aud: "rpc-gateway",
  scope: "admin:write",
  iat: now(),
  exp: now() + 600,
});

/** A JWT with any header, its signature HMAC-SHA256 over the signing input with the admin secret. */
async function hmacSigned(header: object, claims: object): Promise<string> {
  const enc = (o: object) => base64url.encode(JSON.stringify(o));
  const input = `${enc(header)}.${enc(claims)}`;
  const key = await crypto.subtle.importKey("raw", secretKey(), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(sig))}`;
}

/** Tries to create a plan with a fresh name; returns the answer and whether anything was written. */
async function createPlan(token: string) {
  const name = `tok-${crypto.randomUUID().slice(0, 8)}`;
  const res = await call("/admin/v1/plans", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const body = (await res.json()) as { id?: string; error?: { message: string; data: { code: string } } };
  return { res, body, ...(await writtenUnder(name)) };
}

async function expectRefused(token: string, status: 401 | 403, message: RegExp) {
  const { res, body, planRows, auditActors } = await createPlan(token);
  expect(res.status).toBe(status);
  expect(body.error?.data.code).toBe(status === 401 ? "unauthorized" : "forbidden");
  expect(body.error?.message).toMatch(message);
  expect(planRows).toBe(0);
  expect(auditActors).toEqual([]);
}

describe("tokens that are refused, with nothing written", () => {
  test("a token living ten years (signed with the secret, otherwise valid) gets 401", async () => {
    const token = await adminToken({ expiresIn: `${10 * 365}d` });
    await expectRefused(token, 401, /lifetime .* over the maximum of 3600 s/);
  });

  test("a token one second over the maximum lifetime gets 401", async () => {
    const token = await new SignJWT({ ...goodClaims(), exp: now() + 3601 })
      .setProtectedHeader({ alg: "HS256" })
      .sign(secretKey());
    await expectRefused(token, 401, /over the maximum/);
  });

  test("a token without aud gets 401", async () => {
    await expectRefused(await adminToken({ audience: null }), 401, /no aud claim/);
  });

  test("a token without iss gets 401", async () => {
    await expectRefused(await adminToken({ issuer: null }), 401, /no iss claim/);
  });

  test("a token for another audience gets 401", async () => {
    await expectRefused(await adminToken({ audience: "some-other-service" }), 401, /aud claim is not/);
  });

  test("a token from another issuer gets 401", async () => {
    await expectRefused(await adminToken({ issuer: "someone-else" }), 401, /iss claim is not/);
  });

  test("alg none gets 401", async () => {
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    await expectRefused(`${enc({ alg: "none", typ: "JWT" })}.${enc(goodClaims())}.`, 401, /not HS256/);
  });

  test("HS512 signed with the admin secret gets 401", async () => {
    const token = await new SignJWT(goodClaims()).setProtectedHeader({ alg: "HS512" }).sign(secretKey());
    await expectRefused(token, 401, /not HS256/);
  });

  test.each(["RS256", "ES256"])("%s with the admin secret used as the HMAC key gets 401", async (alg) => {
    await expectRefused(await hmacSigned({ alg, typ: "JWT" }, goodClaims()), 401, /not HS256/);
  });

  test("a read-only token gets 403 on a write, naming the scope it needs", async () => {
    await expectRefused(await adminToken({ scope: "admin:read" }), 403, /lacks scope "admin:write"/);
  });

  test("a token without a scope gets 403 even to read", async () => {
    const res = await call("/admin/v1/plans", {
      headers: { authorization: `Bearer ${await adminToken({ scope: null })}` },
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/lacks scope "admin:read".*no scope claim/);
  });

  test.each(["cron:probes", "key:key_123", "admin:root"])("a token claiming %s gets 403", async (sub) => {
    await expectRefused(await adminToken({ sub }), 403, /is reserved/);
  });
});

describe("tokens that are served", () => {
  test("a read token can GET", async () => {
    const res = await call("/admin/v1/plans", {
      headers: { authorization: `Bearer ${await adminToken({ scope: "admin:read" })}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty("plans");
  });

  test("a write token can POST, and the audit log names it admin:<sub>", async () => {
    const { res, planRows, auditActors } = await createPlan(await adminToken({ sub: "alice" }));
    expect(res.status).toBe(201);
    expect(planRows).toBe(1);
    expect(auditActors).toEqual(["admin:alice"]);
  });

  test("a token with several scopes, one of them admin:write, can POST", async () => {
    const { res, planRows } = await createPlan(await adminToken({ scope: "openid admin:read admin:write" }));
    expect(res.status).toBe(201);
    expect(planRows).toBe(1);
  });

  test("a token at exactly the maximum lifetime is accepted", async () => {
    const token = await new SignJWT({ ...goodClaims(), sub: "bob", exp: now() + 3600 })
      .setProtectedHeader({ alg: "HS256" })
      .sign(secretKey());
    const { res, auditActors } = await createPlan(token);
    expect(res.status).toBe(201);
    expect(auditActors).toEqual(["admin:bob"]);
  });
});
