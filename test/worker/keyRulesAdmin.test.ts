// Per-key allowlists and key secrets in the admin API (issue 19): stored normalised, shown in the
// listing, checked entry by entry; a secret is returned once, stored as its SHA-256 and never audited.
// Enforcement on the request path is tested elsewhere; here the resolved key context shows the change.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, test } from "vitest";
import { sha256Hex } from "../../shared/crypto/hash";
import { normalizeRules } from "../../shared/keys/keyRules";
import { keyCacheKey, resolveKey } from "../../shared/keys/resolveKey";
import { admin, adminRaw, adminToken, call } from "./fixtures";

interface KeyView {
  id: string;
  key: string;
  secret?: string;
  hasSecret: boolean;
  allowedOrigins: string[] | null;
  allowedIps: string[] | null;
  allowedMethods: string[] | null;
  allowedContracts: string[] | null;
  allowedChains: string[] | null;
}
type ErrorBody = { error: { message: string; data: { code: string; fields: Record<string, string> } } };

const LISTS = {
  allowedOrigins: ["https://App.Example.com", "https://*.example.org"],
  allowedIps: ["192.0.2.7", "2001:db8::/32"],
  allowedMethods: ["eth_call", "eth_getBalance"],
  allowedContracts: ["0xA0b86991C6218b36c1d19D4a2e9Eb0cE3606eB48"],
  allowedChains: ["mainnet"],
};
const SECRET = /^rpcsk_[A-Za-z0-9_-]{43}$/;

let tenantId: string;

beforeAll(async () => {
  const suffix = crypto.randomUUID().slice(0, 8);
  const plan = await admin<{ id: string }>("POST", "/plans", { name: `rules-${suffix}` });
  tenantId = (await admin<{ id: string }>("POST", "/tenants", { name: `rules-${suffix}`, planId: plan.id }))
    .id;
});

const createKey = (body: Record<string, unknown>) => adminRaw("POST", `/tenants/${tenantId}/keys`, body);

async function row(keyId: string) {
  return env.DB.prepare("SELECT * FROM api_keys WHERE id = ?1").bind(keyId).first<Record<string, unknown>>();
}

async function auditRows(keyId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM audit_log WHERE target = ?1 ORDER BY seq")
    .bind(keyId)
    .all<{ action: string; before: string | null; after: string | null }>();
  return results;
}

/** The key's context as the request path resolves it (D1, then cached in KV and memory). */
async function contextOf(key: string) {
  const pending: Promise<unknown>[] = [];
  const context = await resolveKey(env, key, (p) => pending.push(p));
  await Promise.all(pending);
  return context;
}

describe("creating a key with allowlists", () => {
  test("answers 201 with the lists normalised and a secret, which only its SHA-256 is kept of", async () => {
    const res = await createKey({ name: "dapp", ...LISTS });
    expect(res.status).toBe(201);
    const created = await res.json<KeyView>();
    expect(created).toMatchObject({ ...normalizeRules(LISTS), hasSecret: true });
    expect(created.allowedOrigins).toEqual(["https://app.example.com", "https://*.example.org"]);
    expect(created.allowedContracts).toEqual(["0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"]);
    expect(created.secret).toMatch(SECRET);
    const stored = await row(created.id);
    expect(stored?.secret_hash).toBe(await sha256Hex(created.secret as string));
    expect(JSON.parse(stored?.allowed_ips as string)).toEqual(normalizeRules(LISTS).allowedIps);
    expect(JSON.stringify(stored)).not.toContain(created.secret);

    const context = await contextOf(created.key);
    expect(context.rules).toEqual(normalizeRules(LISTS));
    expect(context.secretHash).toBe(stored?.secret_hash);
  });

  test("the listing shows the lists and whether a secret exists, never the secret or its hash", async () => {
    const created = await (await createKey({ name: "listed", allowedChains: ["base"] })).json<KeyView>();
    const res = await adminRaw("GET", `/tenants/${tenantId}/keys`);
    const text = await res.text();
    const listed = (JSON.parse(text) as { keys: KeyView[] }).keys.find((k) => k.id === created.id);
    expect(listed).toMatchObject({
      ...normalizeRules({ allowedChains: ["base"] }),
      allowedIps: null,
      hasSecret: true,
    });
    expect(listed).not.toHaveProperty("secret");
    expect(text).not.toContain(created.secret as string);
    expect(text).not.toContain(await sha256Hex(created.secret as string));
    expect(text).not.toMatch(/secretHash|secret_hash/);
  });

  test("a key without lists carries no rules in its context, in memory nor in KV", async () => {
    const created = await (await createKey({ name: "open" })).json<KeyView>();
    expect(created).toMatchObject({ allowedOrigins: null, allowedIps: null, allowedChains: null });
    const context = await contextOf(created.key);
    expect(Object.hasOwn(context, "rules")).toBe(false);
    const cached = await env.CONFIG_KV.get<{ value: object }>(
      keyCacheKey(await sha256Hex(created.key)),
      "json",
    );
    expect(cached?.value).toMatchObject({ keyId: created.id });
    expect(Object.hasOwn(cached?.value ?? {}, "rules")).toBe(false);
  });

  test("bad entries get 400 naming each one, and nothing is written", async () => {
    const before = await keyCount();
    const res = await createKey({
      allowedIps: ["192.0.2.1", "not-an-ip", "10.0.0.0/99"],
      allowedOrigins: ["not an origin"],
      allowedContracts: ["0x1234"],
    });
    expect(res.status).toBe(400);
    const body = await res.json<ErrorBody>();
    expect(body.error.data.code).toBe("invalid_body");
    expect(body.error.message).toMatch(/see data.fields/);
    expect(Object.keys(body.error.data.fields).sort()).toEqual([
      "allowedContracts[0]",
      "allowedIps[1]",
      "allowedIps[2]",
      "allowedOrigins[0]",
    ]);
    expect(await keyCount()).toBe(before);
  });

  test("an empty list is refused: it would allow nothing", async () => {
    const res = await createKey({ allowedMethods: [] });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.data.fields.allowedMethods).toMatch(
      /empty list.*leave the field out/,
    );
  });

  test("more than 200 entries in a list are refused", async () => {
    const ips = Array.from({ length: 201 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const res = await createKey({ allowedIps: ips });
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json<ErrorBody>()).error.data.fields)).toEqual(["allowedIps"]);
  });
});

async function keyCount() {
  return (
    await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE tenant_id = ?1")
      .bind(tenantId)
      .first<{ n: number }>()
  )?.n;
}

describe("changing a key's lists", () => {
  test("PATCH sets a list and null removes one; D1, the audit row and the key's context follow", async () => {
    const created = await (
      await createKey({ allowedMethods: ["eth_call"], allowedChains: ["mainnet"] })
    ).json<KeyView>();
    expect((await contextOf(created.key)).rules).toEqual(
      normalizeRules({ allowedMethods: ["eth_call"], allowedChains: ["mainnet"] }),
    );
    const res = await adminRaw("PATCH", `/keys/${created.id}`, {
      allowedMethods: null,
      allowedIps: ["192.0.2.9"],
    });
    expect(res.status).toBe(200);
    const expected = normalizeRules({ allowedIps: ["192.0.2.9"], allowedChains: ["mainnet"] });
    expect(await res.json()).toMatchObject({ ...expected, allowedMethods: null });

    const stored = await row(created.id);
    expect(stored?.allowed_methods).toBeNull();
    expect(JSON.parse(stored?.allowed_ips as string)).toEqual(expected.allowedIps);
    const update = (await auditRows(created.id)).find((r) => r.action === "key.update");
    expect(JSON.parse(update?.before ?? "{}")).toMatchObject({
      allowedMethods: normalizeRules({ allowedMethods: ["eth_call"] }).allowedMethods,
      allowedIps: null,
    });
    expect(JSON.parse(update?.after ?? "{}")).toMatchObject({ ...expected, allowedMethods: null });
    // forgetKeys dropped the cached context: the next resolution reads D1.
    expect((await contextOf(created.key)).rules).toEqual(expected);

    await admin("PATCH", `/keys/${created.id}`, { allowedIps: null, allowedChains: null });
    expect(Object.hasOwn(await contextOf(created.key), "rules")).toBe(false);
  });

  test("an empty list is refused with a message saying to send null", async () => {
    const created = await (await createKey({ allowedChains: ["mainnet"] })).json<KeyView>();
    const res = await adminRaw("PATCH", `/keys/${created.id}`, { allowedChains: [] });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.data.fields.allowedChains).toMatch(
      /send null to remove the rule/,
    );
    expect(JSON.parse((await row(created.id))?.allowed_chains as string)).toEqual(["mainnet"]);
  });

  test("a bad entry in a PATCH gets 400 naming it, and the key is unchanged", async () => {
    const created = await (await createKey({ allowedIps: ["192.0.2.1"] })).json<KeyView>();
    const res = await adminRaw("PATCH", `/keys/${created.id}`, { allowedIps: ["192.0.2.2", "nope"] });
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json<ErrorBody>()).error.data.fields)).toEqual(["allowedIps[1]"]);
    expect((await auditRows(created.id)).map((r) => r.action)).toEqual(["key.create"]);
  });

  test("a read-only admin token cannot change a key's lists or its secret (403), and nothing changes", async () => {
    const created = await (await createKey({ allowedChains: ["mainnet"] })).json<KeyView>();
    const token = await adminToken({ scope: "admin:read" });
    const send = (method: string, path: string, body?: unknown) =>
      call(`/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await send("PATCH", `/keys/${created.id}`, { allowedChains: null })).status).toBe(403);
    expect((await send("POST", `/keys/${created.id}/secret`)).status).toBe(403);
    expect((await send("GET", `/tenants/${tenantId}/keys`)).status).toBe(200);
    const stored = await row(created.id);
    expect(JSON.parse(stored?.allowed_chains as string)).toEqual(["mainnet"]);
    expect(stored?.secret_hash).toBe(await sha256Hex(created.secret as string));
    expect((await auditRows(created.id)).map((r) => r.action)).toEqual(["key.create"]);
  });
});

describe("a key's secret", () => {
  test("a new secret replaces the old one, is returned once, and is audited without secret material", async () => {
    const created = await (await createKey({ name: "rotating" })).json<KeyView>();
    const old = created.secret as string;
    const oldContext = await contextOf(created.key);
    expect(oldContext.secretHash).toBe(await sha256Hex(old));

    const res = await adminRaw("POST", `/keys/${created.id}/secret`);
    expect(res.status).toBe(201);
    const renewed = await res.json<KeyView>();
    expect(renewed).toMatchObject({ id: created.id, hasSecret: true });
    expect(renewed.secret).toMatch(SECRET);
    expect(renewed.secret).not.toBe(old);
    const newHash = await sha256Hex(renewed.secret as string);
    expect((await row(created.id))?.secret_hash).toBe(newHash);
    // The old secret stops working: the context the request path sees now holds only the new hash.
    expect((await contextOf(created.key)).secretHash).toBe(newHash);

    const rows = await auditRows(created.id);
    expect(rows.map((r) => r.action)).toEqual(["key.create", "key.secret"]);
    expect(JSON.parse(rows[1]?.after ?? "{}")).toMatchObject({ secretChanged: true });
    const text = JSON.stringify(rows);
    for (const material of [old, renewed.secret as string, await sha256Hex(old), newHash]) {
      expect(text).not.toContain(material);
    }
    expect(text).not.toMatch(/secretHash|secret_hash/);
  });

  test("a revoked key gets no new secret (409); an unknown key gets 404", async () => {
    const created = await (await createKey({})).json<KeyView>();
    await admin("DELETE", `/keys/${created.id}`);
    expect((await adminRaw("POST", `/keys/${created.id}/secret`)).status).toBe(409);
    expect((await adminRaw("POST", "/keys/key_nope/secret")).status).toBe(404);
  });

  test("a key made before secrets has none until one is made for it", async () => {
    const created = await (await createKey({})).json<KeyView>();
    await env.DB.prepare("UPDATE api_keys SET secret_hash = NULL WHERE id = ?1").bind(created.id).run();
    await admin("PATCH", `/keys/${created.id}`, { name: "legacy" });
    const listed = await admin<{ keys: KeyView[] }>("GET", `/tenants/${tenantId}/keys`);
    expect(listed.keys.find((k) => k.id === created.id)).toMatchObject({ hasSecret: false });
    expect(Object.hasOwn(await contextOf(created.key), "secretHash")).toBe(false);
    const renewed = await admin<KeyView>("POST", `/keys/${created.id}/secret`);
    expect((await contextOf(created.key)).secretHash).toBe(await sha256Hex(renewed.secret as string));
  });
});
