// Operators' admin keys (issue 18): ADMIN_KEYS lists public EdDSA and ES256 keys, a token names its
// key by `kid`, and each key is pinned to its own algorithm. Each refusal is checked for its status,
// its message and that nothing was written (no plan row, no audit row, not in the admin listing).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { base64url, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, test } from "vitest";
import worker from "../../workers/gateway/src/index";
import { adminToken, BASE, writtenUnder } from "./fixtures";

type Env = Parameters<typeof worker.fetch>[1];
type ErrorBody = { error?: { message: string; data: { code: string } } };

interface Operator {
  kid: string;
  alg: "EdDSA" | "ES256";
  privateKey: CryptoKey;
  jwk: JWK;
}

async function operator(kid: string, alg: "EdDSA" | "ES256"): Promise<Operator> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

let alice: Operator;
let bob: Operator;
/** Another Ed25519 key and another P-256 key, registered nowhere. */
let rogueEd: Operator;
let rogueEc: Operator;

beforeAll(async () => {
  [alice, bob, rogueEd, rogueEc] = await Promise.all([
    operator("alice-2026", "EdDSA"),
    operator("bob-2026", "ES256"),
    operator("rogue-ed", "EdDSA"),
    operator("rogue-ec", "ES256"),
  ]);
});

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: "alice",
  iss: "rpc-gateway-admin",
  aud: "rpc-gateway",
  scope: "admin:write",
  iat: now(),
  exp: now() + 600,
  ...overrides,
});

/** A token signed by `signer`'s private key; the header names `signer`'s kid and alg unless told otherwise. */
function signed(signer: Operator, header: Record<string, unknown> = {}, overrides = {}): Promise<string> {
  return new SignJWT(claims(overrides))
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, ...header })
    .sign(signer.privateKey);
}

/** The test env with ADMIN_KEYS listing these operators' public keys (and any other overrides). */
function envWith(keys: Operator[] | string, overrides: Partial<Env> = {}): Env {
  const text = typeof keys === "string" ? keys : JSON.stringify({ keys: keys.map((k) => k.jwk) });
  return { ...env, ADMIN_KEYS: text, ...overrides };
}

async function send(target: Env, token: string, method: string, path: string, body?: unknown) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    target,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** Tries to create a plan with a fresh name; the answer, and what was written under that name. */
async function createPlan(target: Env, token: string) {
  const name = `key-${crypto.randomUUID().slice(0, 8)}`;
  const res = await send(target, token, "POST", "/plans", { name });
  const body = (await res.json()) as ErrorBody & { id?: string };
  const written = await writtenUnder(name);
  const listing = await send(envWith([]), await adminToken({ scope: "admin:read" }), "GET", "/plans");
  const listed = ((await listing.json()) as { plans: { name: string }[] }).plans.some((p) => p.name === name);
  return { res, body, listed, ...written };
}

async function expectRefused(target: Env, token: string, status: 401 | 403 | 500, message: RegExp) {
  const { res, body, planRows, listed, auditActors } = await createPlan(target, token);
  expect(res.status).toBe(status);
  const code = { 401: "unauthorized", 403: "forbidden", 500: "internal_error" }[status];
  expect(body.error?.data.code).toBe(code);
  expect(body.error?.message).toMatch(message);
  expect(planRows).toBe(0);
  expect(listed).toBe(false);
  expect(auditActors).toEqual([]);
}

async function expectCreated(target: Env, token: string, actor: string) {
  const { res, planRows, listed, auditActors } = await createPlan(target, token);
  expect(res.status).toBe(201);
  expect(planRows).toBe(1);
  expect(listed).toBe(true);
  expect(auditActors).toEqual([actor]);
}

describe("tokens signed by a registered operator key are served", () => {
  test("an EdDSA token can GET and write, and the audit log names it admin:<sub>", async () => {
    const target = envWith([alice]);
    const res = await send(target, await signed(alice, {}, { scope: "admin:read" }), "GET", "/plans");
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty("plans");
    await expectCreated(target, await signed(alice), "admin:alice");
  });

  test("an ES256 token can write, and the audit log names it admin:<sub>", async () => {
    await expectCreated(envWith([bob]), await signed(bob, {}, { sub: "bob" }), "admin:bob");
  });

  test("two operators' keys active at once both work", async () => {
    const target = envWith([alice, bob]);
    await expectCreated(target, await signed(alice), "admin:alice");
    await expectCreated(target, await signed(bob, {}, { sub: "bob" }), "admin:bob");
  });

  test("the HS256 secret still works beside the keys", async () => {
    await expectCreated(envWith([alice, bob]), await adminToken({ sub: "dev" }), "admin:dev");
  });

  test("without ADMIN_JWT_SECRET, a token naming a registered key still works", async () => {
    await expectCreated(envWith([alice], { ADMIN_JWT_SECRET: "" }), await signed(alice), "admin:alice");
  });
});

describe("tokens that are refused, with nothing written", () => {
  test("a kid that is not registered gets 401", async () => {
    await expectRefused(
      envWith([alice, bob]),
      await signed(rogueEd),
      401,
      /kid is not a registered admin key/,
    );
  });

  test("a removed key's token gets 401 while the other operator's token still works", async () => {
    const aliceToken = await signed(alice);
    const bobToken = await signed(bob, {}, { sub: "bob" });
    await expectCreated(envWith([alice, bob]), aliceToken, "admin:alice");
    const afterRemoval = envWith([bob]);
    await expectRefused(afterRemoval, aliceToken, 401, /kid is not a registered admin key/);
    await expectCreated(afterRemoval, bobToken, "admin:bob");
  });

  test("a token whose header says EdDSA for an ES256-pinned kid gets 401", async () => {
    const token = await signed(rogueEd, { kid: bob.kid });
    await expectRefused(
      envWith([alice, bob]),
      token,
      401,
      /algorithm is not ES256, the one the registered key "bob-2026" is pinned to/,
    );
  });

  test("a token signed by another key under a registered kid gets 401", async () => {
    const token = await signed(rogueEc, { kid: bob.kid });
    await expectRefused(envWith([bob]), token, 401, /signature does not match the registered key "bob-2026"/);
  });

  test("an RS256 token gets 401, with a registered kid or without one", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const rsa = { kid: alice.kid, alg: "RS256", privateKey } as unknown as Operator;
    await expectRefused(envWith([alice]), await signed(rsa), 401, /algorithm is not EdDSA/);
    await expectRefused(
      envWith([alice]),
      await signed(rsa, { kid: undefined }),
      401,
      /algorithm is not HS256/,
    );
  });

  test("a token carrying its own jwk header, signed by that embedded key, gets 401", async () => {
    const embedded = { ...rogueEd.jwk };
    await expectRefused(
      envWith([alice]),
      await signed(rogueEd, { kid: undefined, jwk: embedded }),
      401,
      /carries "jwk"/,
    );
    await expectRefused(
      envWith([alice]),
      await signed(rogueEd, { kid: alice.kid, jwk: embedded }),
      401,
      /carries "jwk"/,
    );
  });

  test("alg none naming a registered kid gets 401", async () => {
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    const token = `${enc({ alg: "none", kid: alice.kid, typ: "JWT" })}.${enc(claims())}.`;
    await expectRefused(envWith([alice]), token, 401, /algorithm is not EdDSA/);
  });

  test("an HS256 token signed with the admin secret but naming a registered key's kid gets 401", async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", kid: alice.kid })
      .sign(new TextEncoder().encode(env.ADMIN_JWT_SECRET));
    await expectRefused(envWith([alice]), token, 401, /algorithm is not EdDSA/);
  });

  test("a read-only key token gets 403 on a write", async () => {
    const token = await signed(alice, {}, { scope: "admin:read" });
    await expectRefused(envWith([alice]), token, 403, /lacks scope "admin:write"/);
  });

  test("a key token claiming cron:probes gets 403", async () => {
    await expectRefused(envWith([bob]), await signed(bob, {}, { sub: "cron:probes" }), 403, /is reserved/);
  });

  test("a key token living longer than the maximum gets 401", async () => {
    const token = await signed(alice, {}, { exp: now() + 3601 });
    await expectRefused(envWith([alice]), token, 401, /over the maximum of 3600 s/);
  });

  test("a key token for another audience gets 401", async () => {
    const token = await signed(bob, {}, { aud: "some-other-service" });
    await expectRefused(envWith([bob]), token, 401, /aud claim is not/);
  });

  test("without ADMIN_JWT_SECRET, a token without kid gets 401 asking for a kid", async () => {
    const token = await adminToken();
    await expectRefused(
      envWith([alice], { ADMIN_JWT_SECRET: "" }),
      token,
      401,
      /must name a registered key .* by kid/,
    );
  });

  test("with neither ADMIN_JWT_SECRET nor ADMIN_KEYS the admin API is not configured", async () => {
    const target = envWith("", { ADMIN_JWT_SECRET: "" });
    await expectRefused(target, await signed(alice), 500, /admin API is not configured/);
  });
});

describe("a bad ADMIN_KEYS is a configuration error, for every token", () => {
  const jwks = (...keys: unknown[]) => JSON.stringify({ keys });
  const cases: [string, () => Promise<string> | string, RegExp][] = [
    ["not JSON", () => "{keys", /not JSON/],
    [
      "a private key",
      async () => jwks({ ...(await exportJWK(alice.privateKey)), kid: "a", alg: "EdDSA" }),
      /private or secret key/,
    ],
    ["a duplicate kid", () => jwks(alice.jwk, { ...bob.jwk, kid: alice.kid }), /listed more than once/],
    ["a key without alg", () => jwks({ ...alice.jwk, alg: undefined }), /has no alg/],
    ["an unknown alg", () => jwks({ ...alice.jwk, alg: "ES512" }), /unsupported alg/],
    ["an RSA key", () => jwks({ kty: "RSA", n: "AQAB", e: "AQAB", kid: "r", alg: "RS256" }), /kty RSA/],
    [
      "an oct key",
      () => jwks({ kty: "oct", k: "c2VjcmV0", kid: "h", alg: "HS256" }),
      /private or secret key/,
    ],
    [
      "a P-256 point not on the curve",
      () => jwks({ ...bob.jwk, y: bob.jwk.x }),
      /not a usable ES256 public key/,
    ],
  ];

  test.each(cases)("%s: 500 naming the problem, nothing written", async (_name, config, message) => {
    const text = await config();
    const target = envWith(text);
    const named = new RegExp(`ADMIN_KEYS is not valid: .*${message.source}`);
    await expectRefused(target, await signed(alice), 500, named);
    await expectRefused(target, await adminToken(), 500, message);
  });
});
