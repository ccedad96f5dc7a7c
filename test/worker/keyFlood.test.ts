// A flood of bad API keys from one address: refused before storage, remembered as misses, then limited with 429;
// the tenant whose key is real is still served.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { sha256Hex } from "../../shared/crypto/hash";
import { formatKey, newApiKey } from "../../shared/keys/keyFormat";
import { forgetKey, keyCacheKey } from "../../shared/keys/resolveKey";
import { admin, call, type Fixture, fixture } from "./fixtures";

const body = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}';
const post = (chain: string, key: string, address?: string) =>
  call(`/v1/${chain}/${key}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...(address ? { "cf-connecting-ip": address } : {}) },
  });
/** An address no other test uses, so each test has its own failure count. */
const newAddress = () =>
  `203.0.113.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 8)}`;

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

/** Stores a key for the fixture's tenant straight in D1, as a key made elsewhere (or before) would be. */
async function plant(key: string): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at) VALUES (?1, ?2, 'planted', ?3, ?4, ?5)",
  )
    .bind(`key_${crypto.randomUUID()}`, f.tenantId, key.slice(0, 12), await sha256Hex(key), Date.now())
    .run();
}

/** Sends bad keys from `address` until one is answered 429 (or 150 were sent); the statuses seen. */
async function floodUntilLimited(address: string, badKey: () => string): Promise<number[]> {
  const statuses: number[] = [];
  while (statuses.length < 150 && !statuses.includes(429)) {
    statuses.push((await post(f.chain, badKey(), address)).status);
  }
  return statuses;
}

describe("a flood of bad keys from one address", () => {
  test.each([
    ["malformed keys", () => `rpc_${crypto.randomUUID()}`],
    ["well-formed random keys", () => newApiKey()],
  ])("of %s meets 429 with retry-after after 50 failures", async (_, badKey) => {
    const address = newAddress();
    const statuses = await floodUntilLimited(address, badKey);
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThanOrEqual(50);
    expect(statuses.slice(0, first429).every((s) => s === 401)).toBe(true);

    const res = await post(f.chain, badKey(), address);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await res.json()).toMatchObject({
      id: null,
      error: { code: -32005, data: { code: "auth_rate_limited" } },
    });
  });

  test("does not stop a real key: from another address, and from the same one once cached here", async () => {
    const address = newAddress();
    expect((await post(f.chain, f.key)).status).toBe(200);
    await floodUntilLimited(address, () => newApiKey());
    expect((await post(f.chain, newApiKey(), address)).status).toBe(429);

    expect((await post(f.chain, f.key, newAddress())).status).toBe(200);
    expect((await post(f.chain, f.key, address)).status).toBe(200);
    // A key not yet known valid in this isolate is not looked up for a limited address.
    forgetKey(await sha256Hex(f.key));
    expect((await post(f.chain, f.key, address)).status).toBe(429);
    expect((await post(f.chain, f.key, newAddress())).status).toBe(200);
  });

  test("is limited on every endpoint that takes a key", async () => {
    const address = newAddress();
    await floodUntilLimited(address, () => newApiKey());
    const headers = { "x-api-key": newApiKey(), "cf-connecting-ip": address };
    for (const path of [`/v1/${f.chain}/health`, "/v1/usage", "/v1/prices", "/v1/validators/avalanche"]) {
      const res = await call(path, { headers });
      expect([path, res.status, res.headers.get("retry-after")]).toEqual([path, 429, "60"]);
      expect(await res.json()).toMatchObject({
        error: { code: -32005, data: { code: "auth_rate_limited" } },
      });
    }
    const upgrade = await call(`/v1/${f.chain}`, { headers: { ...headers, upgrade: "websocket" } });
    expect([upgrade.status, upgrade.headers.get("retry-after")]).toEqual([429, "60"]);
  });
});

describe("unknown keys", () => {
  test("a new-format key with one character changed gets the same 401 as an unknown key", async () => {
    const changed = `${f.key.slice(0, 10)}${f.key[10] === "A" ? "B" : "A"}${f.key.slice(11)}`;
    // Even stored in D1, the changed key is refused: it is never looked up.
    await plant(changed);
    const unknown = await post(f.chain, newApiKey(), newAddress());
    const res = await post(f.chain, changed, newAddress());
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(await unknown.text());
    expect(await env.CONFIG_KV.get(keyCacheKey(await sha256Hex(changed)))).toBeNull();
  });

  test("a repeated unknown key is answered from its KV miss, without a second D1 query", async () => {
    const key = newApiKey();
    const hash = await sha256Hex(key);
    expect((await post(f.chain, key, newAddress())).status).toBe(401);
    await vi.waitFor(async () =>
      expect(await env.CONFIG_KV.get(keyCacheKey(hash), "json")).toMatchObject({ value: null }),
    );
    // D1 now holds the key; an answer of 401 can only come from the miss, not from D1.
    await plant(key);
    forgetKey(hash);
    expect((await post(f.chain, key, newAddress())).status).toBe(401);
  });

  test("creating a key removes its miss, so the key works at once", async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    const key = formatKey(bytes);
    expect((await post(f.chain, key, newAddress())).status).toBe(401);
    await vi.waitFor(async () =>
      expect(await env.CONFIG_KV.get(keyCacheKey(await sha256Hex(key)))).not.toBeNull(),
    );

    // The admin API draws the new key's 24 random bytes: make them the bytes of the key tried above.
    const getRandomValues = crypto.getRandomValues.bind(crypto);
    const fixedKeyBytes = (array: Uint8Array) => {
      if (array.length !== 24) return getRandomValues(array);
      array.set(bytes);
      return array;
    };
    const spy = vi
      .spyOn(crypto, "getRandomValues")
      .mockImplementation(fixedKeyBytes as typeof crypto.getRandomValues);
    const created = await admin<{ key: string }>("POST", `/tenants/${f.tenantId}/keys`, {
      name: "after miss",
    });
    spy.mockRestore();
    expect(created.key).toBe(key);
    expect((await post(f.chain, key, newAddress())).status).toBe(200);
  });

  test("an old-format key (no checksum) still works", async () => {
    const key = `rpc_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    expect(key).toHaveLength(36);
    await plant(key);
    expect((await post(f.chain, key, newAddress())).status).toBe(200);
  });
});
