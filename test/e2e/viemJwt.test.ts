// viem, as a dapp would use it, through a running gateway with a tenant-signed JWT in its fetch
// headers: the tenant of the seeded key registers an ES256 public key through the admin API; a
// valid token is served, a token's methods claim and an expired token are refused with errors viem
// reports with the gateway's code and message, and a key that requires a JWT (a key of its own, so
// that the shared key stays as other files expect it) refuses viem without one.
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createPublicClient, http, RpcRequestError } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { beforeAll, describe, expect, inject, test } from "vitest";

// anvil's first well-known development account.
const address = privateKeyToAccount(
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
).address;

const rpcUrl = inject("rpcUrl");
const gatewayUrl = inject("gatewayUrl");
/** The seeded chain and key, from `${gatewayUrl}/v1/<chain>/<key>`. */
const [chain, sharedKey] = new URL(rpcUrl).pathname.split("/").slice(2) as [string, string];

async function adminApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${gatewayUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

const anvil = createPublicClient({ chain: foundry, transport: http(inject("anvilUrl")) });

/** A viem client for `url`, sending `Authorization: Bearer <jwt>` when given; no retries. */
function client(url: string, jwt?: string) {
  const headers = jwt ? { authorization: `Bearer ${jwt}` } : undefined;
  return createPublicClient({
    chain: foundry,
    transport: http(url, { retryCount: 0, fetchOptions: headers ? { headers } : {} }),
  });
}

let tenantId: string;
let kid: string;
let privateKey: CryptoKey;

/** A JWT from the registered key, issued `iat` seconds from now and expiring `exp` seconds from now. */
function token(claims: Record<string, unknown> = {}, { iat = 0, exp = 600 } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid })
    .setIssuedAt(now + iat)
    .setExpirationTime(now + exp)
    .sign(privateKey);
}

/** What viem rejects with, for a call that must fail. */
async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (err: unknown) => err,
  );
}

beforeAll(async () => {
  // The tenant of the seeded key: the demo tenant (scripts/lib/seed.mjs).
  const { tenants } = await adminApi<{ tenants: { id: string; name: string }[] }>("GET", "/tenants");
  const demo = tenants.find((t) => t.name === "demo");
  if (!demo) throw new Error(`no demo tenant among ${JSON.stringify(tenants)}`);
  tenantId = demo.id;
  // Served without a token first, so that its context is cached when the JWT key is registered
  // (registering must forget the cached contexts of the tenant's keys).
  expect(await client(rpcUrl).getChainId()).toBe(31337);
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey;
  kid = `viem-e2e-${crypto.randomUUID().slice(0, 8)}`;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: "ES256" };
  const created = await adminApi<{ kid: string; status: string }>("POST", `/tenants/${tenantId}/jwt-keys`, {
    jwk,
  });
  expect(created).toMatchObject({ kid, status: "active" });
});

describe("viem with a tenant JWT through the gateway", () => {
  test("getChainId and getBalance are served with a valid token, equal to anvil's", async () => {
    const gateway = client(rpcUrl, await token({ sub: "viem-e2e" }));
    expect(await gateway.getChainId()).toBe(31337);
    expect(await gateway.getBalance({ address })).toBe(await anvil.getBalance({ address }));
  });

  test("a token whose methods claim lists only eth_chainId: getChainId served, getBalance rejected with method_not_allowed_for_key", async () => {
    const gateway = client(rpcUrl, await token({ methods: ["eth_chainId"] }));
    expect(await gateway.getChainId()).toBe(31337);
    const error = await rejection(gateway.getBalance({ address }));
    expect(error).toBeInstanceOf(RpcRequestError);
    expect(error).toMatchObject({
      status: 403,
      code: -32016,
      details: expect.stringMatching(/JWT: its methods claim/),
      data: { code: "method_not_allowed_for_key" },
    });
  });

  test("an expired token: viem rejects with jwt_expired", async () => {
    const gateway = client(rpcUrl, await token({}, { iat: -7200, exp: -3600 }));
    const error = await rejection(gateway.getChainId());
    expect(error).toBeInstanceOf(RpcRequestError);
    expect(error).toMatchObject({
      status: 403,
      code: -32016,
      details: expect.stringMatching(/the JWT has expired/),
      data: { code: "jwt_expired" },
    });
  });

  test("a key that requires a JWT refuses viem without the header and serves it with one", async () => {
    const key = await adminApi<{ id: string; key: string }>("POST", `/tenants/${tenantId}/keys`, {
      name: `viem-jwt-${crypto.randomUUID().slice(0, 6)}`,
    });
    const url = `${gatewayUrl}/v1/${chain}/${key.key}`;
    // Served without a token until the key requires one; the PATCH applies to the next request.
    expect(await client(url).getChainId()).toBe(31337);
    expect(await adminApi("PATCH", `/keys/${key.id}`, { requireJwt: true })).toMatchObject({
      requireJwt: true,
    });
    const error = await rejection(client(url).getChainId());
    expect(error).toBeInstanceOf(RpcRequestError);
    expect(error).toMatchObject({
      status: 403,
      code: -32016,
      details: expect.stringMatching(/this key requires a JWT/),
      data: { code: "jwt_required" },
    });
    const gateway = client(url, await token({ sub: "viem-e2e" }));
    expect(await gateway.getChainId()).toBe(31337);
    expect(await gateway.getBalance({ address })).toBe(await anvil.getBalance({ address }));
    // The shared key requires none: other files' viem clients without a token are still served.
    expect(await client(rpcUrl).getChainId()).toBe(31337);
    expect(sharedKey).not.toBe(key.key);
  });
});
