// Tenant-signed JWTs (issue 19), from both sides: a token signed by one of the tenant's active keys
// (ES256, EdDSA, RS256) is served and narrows the key; every forged, expired, overlong or foreign
// token is refused with 403 and the rule's code, and the other tenant is still served. A plan or a
// key may require a JWT; disabling a JWT key ends its tokens at once in this location.
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, test } from "vitest";
import { admin, adminRaw, call, type Fixture, fixture, rpc } from "./fixtures";
import { register, token } from "./jwtSigners";

const b64url = (value: unknown) =>
  btoa(typeof value === "string" ? value : JSON.stringify(value))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const chainId = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}';
const served = { jsonrpc: "2.0", id: 1, result: "0x7a69" };

async function withJwt(f: Fixture, jwt: string, body = chainId, key = f.key) {
  const res = await rpc({ ...f, key }, body, { authorization: `Bearer ${jwt}` });
  return {
    status: res.status,
    body: await res.json<Record<string, unknown> & { error?: { message: string; data: { code: string } } }>(),
  };
}

function refused(answer: Awaited<ReturnType<typeof withJwt>>, code: string, message?: RegExp) {
  expect(answer.status).toBe(403);
  expect(answer.body.error?.data.code).toBe(code);
  if (message) expect(answer.body.error?.message).toMatch(message);
}

describe("a valid token", () => {
  test.each(["ES256", "EdDSA", "RS256"] as const)(
    "%s: served with the key in the path or in x-api-key",
    async (alg) => {
      const f = await fixture();
      const signer = await register(f.tenantId, alg);
      const jwt = await token(signer);
      expect(await withJwt(f, jwt)).toEqual({ status: 200, body: served });
      const res = await call(`/v1/${f.chain}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": f.key, authorization: `Bearer ${jwt}` },
        body: chainId,
      });
      expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: served });
    },
  );

  test("a token without the key is told where the key goes", async () => {
    const f = await fixture();
    const jwt = await token(await register(f.tenantId, "ES256"));
    const res = await call(`/v1/${f.chain}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: chainId,
    });
    expect(res.status).toBe(401);
    expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(
      /key goes in the URL or x-api-key/,
    );
  });
});

describe("refused tokens, each 403 with its code; the other tenant served", () => {
  test("expired, not yet valid, issued in the future, living over 24 h, or without exp", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    refused(await withJwt(f, await token(signer, { iat: -7200, exp: -3600 })), "jwt_expired", /expired/);
    refused(await withJwt(f, await token(signer, { nbf: 3600 })), "jwt_invalid", /not valid yet/);
    refused(
      await withJwt(f, await token(signer, { iat: 3600, exp: 7200 })),
      "jwt_invalid",
      /iat is in the future/,
    );
    refused(
      await withJwt(f, await token(signer, { exp: 24 * 3600 + 60 })),
      "jwt_invalid",
      /over the maximum of 86400 s/,
    );
    refused(await withJwt(f, await token(signer, { exp: null })), "jwt_invalid", /exp/);
    // The same key, a token within the rules: served.
    expect((await withJwt(f, await token(signer, { exp: 24 * 3600 }))).status).toBe(200);
  });

  test("an unknown kid, a token of another tenant, and a kid shared with another tenant", async () => {
    const f = await fixture();
    const other = await fixture();
    const mine = await register(f.tenantId, "ES256", "shared-kid");
    const theirs = await register(other.tenantId, "ES256", "shared-kid");
    const stranger = await register(other.tenantId, "EdDSA");
    refused(
      await withJwt(f, await token({ ...mine, kid: "nobody" })),
      "jwt_invalid",
      /not an active JWT key/,
    );
    refused(await withJwt(f, await token(stranger)), "jwt_invalid", /not an active JWT key/);
    refused(await withJwt(f, await token(theirs)), "jwt_invalid", /signature does not match/);
    expect(await withJwt(other, await token(theirs))).toEqual({ status: 200, body: served });
    expect(await withJwt(f, await token(mine))).toEqual({ status: 200, body: served });
  });

  test("alg none, HS256 keyed with the public key's bytes, another alg than the key's, and a key in the header", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    const payload = { iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 };
    const none = `${b64url({ alg: "none", kid: signer.kid })}.${b64url(payload)}.`;
    refused(await withJwt(f, none), "jwt_invalid");
    for (const secret of [JSON.stringify(signer.jwk), `${signer.jwk.x}${signer.jwk.y}`]) {
      const hs = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256", kid: signer.kid })
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(new TextEncoder().encode(secret));
      refused(await withJwt(f, hs), "jwt_invalid", /alg is not ES256/);
    }
    const ed = await register(f.tenantId, "EdDSA");
    refused(await withJwt(f, await token({ ...ed, kid: signer.kid })), "jwt_invalid", /alg is not ES256/);
    const embedded = await token(signer, { header: { jwk: signer.jwk } });
    refused(await withJwt(f, embedded), "jwt_invalid", /carries "jwk"/);
    refused(await withJwt(f, "not.a.jwt"), "jwt_invalid", /not a well-formed JWT/);
    expect(await withJwt(f, await token(signer))).toEqual({ status: 200, body: served });
  });

  test("a disabled key's tokens stop at once; enabled again they work; a deleted key's never again", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "EdDSA");
    const jwt = await token(signer);
    expect((await withJwt(f, jwt)).status).toBe(200);
    await admin("PATCH", `/tenants/${f.tenantId}/jwt-keys/${signer.id}`, { status: "disabled" });
    refused(await withJwt(f, jwt), "jwt_invalid", /not an active JWT key/);
    await admin("PATCH", `/tenants/${f.tenantId}/jwt-keys/${signer.id}`, { status: "active" });
    expect((await withJwt(f, jwt)).status).toBe(200);
    await admin("DELETE", `/tenants/${f.tenantId}/jwt-keys/${signer.id}`);
    refused(await withJwt(f, jwt), "jwt_invalid", /not an active JWT key/);
  });
});

describe("binding a token to keys", () => {
  test("aud, when set, must name the API key: a token made for one key does not open another", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    const strict = await admin<{ key: string; id: string }>("POST", `/tenants/${f.tenantId}/keys`, {
      name: "requires-jwt",
      requireJwt: true,
    });
    const forFirst = await token(signer, { claims: { aud: f.keyId } });
    expect(await withJwt(f, forFirst)).toEqual({ status: 200, body: served });
    refused(
      await withJwt(f, forFirst, chainId, strict.key),
      "jwt_invalid",
      /aud claim does not name this API key/,
    );
    const forBoth = await token(signer, { claims: { aud: [f.keyId, strict.id] } });
    expect(await withJwt(f, forBoth, chainId, strict.key)).toEqual({ status: 200, body: served });
  });

  test("the key's own origin list is checked before the token: a refused origin learns nothing of the JWT keys", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    const key = await admin<{ key: string }>("POST", `/tenants/${f.tenantId}/keys`, {
      name: "browser",
      allowedOrigins: ["https://app.example.com"],
    });
    const probe = await token({ ...signer, kid: "guess" });
    const res = await rpc({ ...f, key: key.key }, chainId, {
      authorization: `Bearer ${probe}`,
      origin: "https://evil.example",
    });
    expect(res.status).toBe(403);
    const body = await res.json<{ error: { message: string; data: { code: string } } }>();
    expect(body.error.data.code).toBe("origin_not_allowed");
    expect(body.error.message).not.toMatch(/kid|JWT/);
    const good = await rpc({ ...f, key: key.key }, chainId, {
      authorization: `Bearer ${await token(signer)}`,
      origin: "https://app.example.com",
    });
    expect(await good.json()).toEqual(served);
  });
});

describe("claims narrow the key, never widen it", () => {
  test("chains, methods and contracts claims refuse what they do not list; the key's lists still hold", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    const key = await admin<{ key: string }>("POST", `/tenants/${f.tenantId}/keys`, {
      name: "narrow",
      allowedMethods: ["eth_chainId", "eth_call"],
    });
    const jwt = await token(signer, { claims: { methods: ["eth_chainId", "eth_blockNumber", "debug"] } });
    expect(await withJwt(f, jwt, chainId, key.key)).toEqual({ status: 200, body: served });
    // Listed by the token but not by the key: the key's list refuses it.
    const blockNumber = '{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"}';
    refused(
      await withJwt(f, jwt, blockNumber, key.key),
      "method_not_allowed_for_key",
      /key's allowedMethods/,
    );
    // Listed by the key but not by the token: the token refuses it.
    const ethCall =
      '{"jsonrpc":"2.0","id":3,"method":"eth_call","params":[{"to":"0x00000000000000000000000000000000000000aa"},"latest"]}';
    refused(await withJwt(f, jwt, ethCall, key.key), "method_not_allowed_for_key", /JWT: its methods claim/);
    // Another chain than the token lists.
    const chained = await token(signer, { claims: { chains: ["mainnet"] } });
    refused(await withJwt(f, chained), "chain_not_allowed", /JWT: its chains claim/);
    // Contracts: only the listed one.
    const contracts = await token(signer, {
      claims: { contracts: ["0x00000000000000000000000000000000000000AA"] },
    });
    expect((await withJwt(f, contracts, ethCall)).status).toBe(200);
    const other = ethCall.replace('aa"}', 'bb"}');
    refused(await withJwt(f, contracts, other), "contract_not_allowed", /JWT/);
    // An empty or malformed claim is an invalid token, not "no rule".
    refused(
      await withJwt(f, await token(signer, { claims: { methods: [] } })),
      "jwt_invalid",
      /methods claim is empty/,
    );
    refused(
      await withJwt(f, await token(signer, { claims: { chains: "all" } })),
      "jwt_invalid",
      /chains claim is not a list/,
    );
    refused(
      await withJwt(f, await token(signer, { claims: { cuPerSecond: 0 } })),
      "jwt_invalid",
      /cuPerSecond/,
    );
  });

  test("a batch refuses only the items the token does not allow", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    const jwt = await token(signer, { claims: { methods: ["eth_chainId"] } });
    const batch = JSON.stringify([
      { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
      { jsonrpc: "2.0", id: 2, method: "eth_blockNumber" },
    ]);
    const answer = await withJwt(f, jwt, batch);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      served,
      {
        jsonrpc: "2.0",
        id: 2,
        error: expect.objectContaining({
          data: expect.objectContaining({ code: "method_not_allowed_for_key" }),
        }),
      },
    ]);
  });
});

describe("requireJwt", () => {
  test("a key that requires a JWT refuses requests without one; the secret and a valid token pass", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    const key = await admin<{ key: string; id: string; secret: string }>(
      "POST",
      `/tenants/${f.tenantId}/keys`,
      {
        name: "needs-jwt",
        requireJwt: true,
      },
    );
    const bare = await rpc({ ...f, key: key.key }, chainId);
    expect(bare.status).toBe(403);
    expect((await bare.json<{ error: { data: { code: string } } }>()).error.data.code).toBe("jwt_required");
    expect(await withJwt(f, await token(signer), chainId, key.key)).toEqual({ status: 200, body: served });
    const server = await rpc({ ...f, key: key.key }, chainId, { "x-api-key-secret": key.secret });
    expect(server.status).toBe(200);
    // The tenant's other key needs none.
    expect((await rpc(f, chainId)).status).toBe(200);
  });

  test("a plan that requires a JWT: every key of its tenants; lifted, served again", async () => {
    const f = await fixture({ plan: { requireJwt: true } });
    const other = await fixture();
    const bare = await rpc(f, chainId);
    expect(bare.status).toBe(403);
    expect((await bare.json<{ error: { data: { code: string } } }>()).error.data.code).toBe("jwt_required");
    expect((await rpc(other, chainId)).status).toBe(200);
    await admin("PATCH", `/plans/${f.planId}`, { requireJwt: false });
    expect((await rpc(f, chainId)).status).toBe(200);
  });
});

describe("the admin API for JWT keys", () => {
  test("refuses private, symmetric, weak or kid-less keys with 400 naming the problem, and a kid twice with 409", async () => {
    const f = await fixture();
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const pub = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256" };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...(await exportJWK(privateKey)), kid: "k1", alg: "ES256" }, /private or secret key/],
      [{ kty: "oct", k: "c2VjcmV0", kid: "h", alg: "HS256" }, /private or secret key/],
      [{ ...pub, alg: "HS256" }, /unsupported alg/],
      [{ ...pub, alg: "none" }, /unsupported alg/],
      [{ ...pub, kid: undefined }, /needs a kid/],
      [{ kty: "RSA", n: "AQAB", e: "AQAB", kid: "r", alg: "RS256" }, /modulus outside 2048 to 4096 bits/],
      [{ ...pub, alg: "EdDSA" }, /needs kty OKP/],
      [{ ...pub, x: "AA", y: "AA" }, /x coordinate that is not 32 bytes/],
      // 32-byte coordinates of a point that is not on P-256.
      [{ ...pub, y: pub.x }, /does not import as a public key/],
    ];
    for (const [jwk, message] of cases) {
      const res = await adminRaw("POST", `/tenants/${f.tenantId}/jwt-keys`, { jwk });
      expect(res.status).toBe(400);
      const body = await res.json<{ error: { data: { fields: { jwk: string } } } }>();
      expect(body.error.data.fields.jwk).toMatch(message);
      expect(JSON.stringify(body)).not.toContain(String((jwk as { d?: string }).d ?? "\u0000"));
    }
    const created = await adminRaw("POST", `/tenants/${f.tenantId}/jwt-keys`, {
      jwk: { ...pub, use: "sig", extra: "x" },
    });
    expect(created.status).toBe(201);
    const key = await created.json<Record<string, unknown>>();
    expect(key).toMatchObject({
      kid: "k1",
      alg: "ES256",
      status: "active",
      jwk: { kty: "EC", crv: "P-256", x: pub.x, y: pub.y },
    });
    expect(key.jwk).not.toHaveProperty("extra");
    expect((await adminRaw("POST", `/tenants/${f.tenantId}/jwt-keys`, { jwk: pub })).status).toBe(409);
    const listed = await admin<{ keys: { kid: string }[] }>("GET", `/tenants/${f.tenantId}/jwt-keys`);
    expect(listed.keys.map((k) => k.kid)).toEqual(["k1"]);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target = ?").bind(key.id).all();
    expect(audit.results.map((r) => r.action)).toEqual(["jwt_key.create"]);
  });
});
