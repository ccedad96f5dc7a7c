// The admin API: validation, secrets that never come back out, the audit chain, and changes that
// take effect without a restart.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { GENESIS_LINK, keyedLink } from "../../shared/audit/link";
import type { AuditLogRow } from "../../shared/audit/rows";
import { keyRingOf } from "../../shared/crypto/keyRing";
import { admin, adminRaw, adminToken, call, fixture, rpc } from "./fixtures";

const SECRET_URL = `${env.TEST_ANVIL_URL}/v2/SuperSecretProviderKey123?apikey=AnotherSecret456`;
const chainIdBody = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}';
/** A read at `latest`, which the cache never answers: it shows whether an upstream was reached. */
const balanceBody =
  '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x000000000000000000000000000000000000dEaD","latest"]}';

describe("validation", () => {
  test("a bad body gets 400 naming each bad field", async () => {
    const res = await adminRaw("POST", "/chains", { slug: "Bad Slug!", chainId: -1 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: number; data: { code: string; fields: Record<string, string> } };
    };
    expect(body.error.data.code).toBe("invalid_body");
    expect(Object.keys(body.error.data.fields).sort()).toEqual(["chainId", "name", "slug"]);
  });

  test("a body that is not JSON gets 400", async () => {
    const res = await call("/admin/v1/plans", {
      method: "POST",
      headers: { authorization: `Bearer ${await adminToken()}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
  });

  test("an unknown field is refused rather than ignored", async () => {
    const res = await adminRaw("POST", "/plans", { name: "p", maxBatch: 10, rateLimit: 5 });
    expect(res.status).toBe(400);
  });

  test("a tenant on a plan that does not exist gets 400 on planId", async () => {
    const res = await adminRaw("POST", "/tenants", { name: "t", planId: "pln_nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { data: { fields: { planId: "no such plan" } } } });
  });

  test("a chain slug that exists gets 409", async () => {
    const f = await fixture();
    const res = await adminRaw("POST", "/chains", { slug: f.chain, chainId: 1, name: "again" });
    expect(res.status).toBe(409);
  });

  test("an upstream on a chain that does not exist gets 404", async () => {
    const res = await adminRaw("POST", "/chains/nochain/upstreams", {
      name: "x",
      url: "https://example.com",
    });
    expect(res.status).toBe(404);
  });

  test("a plan may only opt into debug, trace and txpool", async () => {
    const res = await adminRaw("POST", "/plans", { name: "p2", namespaces: ["admin"] });
    expect(res.status).toBe(400);
  });
});

describe("a PATCH changes only what it names", () => {
  test("an upstream renamed keeps its capabilities (a default must not fill in what the PATCH left out)", async () => {
    const f = await fixture();
    const path = `/chains/${f.chain}/upstreams/${f.upstreamId}`;
    await admin("PATCH", path, { capabilities: ["archive", "ws"] });
    const renamed = await admin<{ name: string; capabilities: string[] }>("PATCH", path, { name: "renamed" });
    expect(renamed).toMatchObject({ name: "renamed", capabilities: ["archive", "ws"] });
    const read = await admin<{ capabilities: string[] }>("GET", path);
    expect(read.capabilities).toEqual(["archive", "ws"]);
  });
});

describe("chain kinds", () => {
  const slug = () => `p-${crypto.randomUUID().slice(0, 8)}`;
  const pchainUrl = `${env.TEST_PCHAIN_URL}/admin/ext/bc/P`;

  test("usage, prices and validators are not chain slugs: their /v1 paths are endpoints", async () => {
    for (const reserved of ["usage", "prices", "validators"]) {
      const res = await adminRaw("POST", "/chains", { slug: reserved, chainId: 1, name: "x" });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { data: { fields: Record<string, string> } } };
      expect(body.error.data.fields.slug).toBe(
        `reserved: /v1/${reserved} is the ${reserved === "prices" ? "price" : reserved} endpoint`,
      );
    }
  });

  test("a chain is evm by default and needs its chain id; a P-Chain may leave it out (stored as 0)", async () => {
    const evm = await admin<{ kind: string; chainId: number }>("POST", "/chains", {
      slug: slug(),
      chainId: 43114,
      name: "EVM",
    });
    expect(evm).toMatchObject({ kind: "evm", chainId: 43114 });
    const missing = await adminRaw("POST", "/chains", { slug: slug(), name: "no id" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error: {
        data: {
          fields: { chainId: "required for an evm chain: the id its upstreams answer to eth_chainId" },
        },
      },
    });
    const p = slug();
    const created = await admin("POST", "/chains", { slug: p, kind: "avalanche-p", name: "P-Chain" });
    expect(created).toMatchObject({ slug: p, kind: "avalanche-p", chainId: 0 });
    const { chains } = await admin<{ chains: { slug: string; kind: string }[] }>("GET", "/chains");
    expect(chains.find((c) => c.slug === p)?.kind).toBe("avalanche-p");
    // The kind is fixed: changing it could leave upstreams of the wrong sort behind.
    expect((await adminRaw("PATCH", `/chains/${p}`, { kind: "evm" })).status).toBe(400);
  });

  test("a P-Chain's upstreams must be P-Chain API URLs (path ending in /ext/bc/P), on create and update", async () => {
    const p = slug();
    await admin("POST", "/chains", { slug: p, kind: "avalanche-p", name: "P-Chain" });
    const message =
      "an avalanche-p chain's upstream is a P-Chain API: an http(s) URL whose path ends in /ext/bc/P, e.g. https://api.avax.network/ext/bc/P";
    for (const url of [
      env.TEST_ANVIL_URL,
      `${env.TEST_PCHAIN_URL}/x/ext/bc/C/rpc`,
      "wss://node.example/ext/bc/P",
    ]) {
      const res = await adminRaw("POST", `/chains/${p}/upstreams`, { name: "wrong", url });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { data: { code: "invalid_body", fields: { url: message } } },
      });
    }
    const good = await admin<{ id: string }>("POST", `/chains/${p}/upstreams`, {
      name: "node",
      url: pchainUrl,
    });
    const moved = await adminRaw("PATCH", `/chains/${p}/upstreams/${good.id}`, { url: env.TEST_ANVIL_URL });
    expect(moved.status).toBe(400);
    expect(await moved.json()).toMatchObject({ error: { data: { fields: { url: message } } } });
    const renamed = await admin("PATCH", `/chains/${p}/upstreams/${good.id}`, {
      url: `${pchainUrl}?token=abc123`,
    });
    expect(renamed).toMatchObject({ id: good.id, enabled: true });
    // An EVM chain takes any http(s) or ws(s) URL, as before.
    const f = await fixture();
    expect(
      (await adminRaw("POST", `/chains/${f.chain}/upstreams`, { name: "p", url: pchainUrl })).status,
    ).toBe(201);
  });
});

describe("secrets stay in", () => {
  test("an upstream URL is never returned, not by create, list, get, update, nor in the audit log", async () => {
    const f = await fixture();
    const created = await adminRaw("POST", `/chains/${f.chain}/upstreams`, {
      name: "secret",
      url: SECRET_URL,
    });
    const { id } = (await created.clone().json()) as { id: string };
    const responses = [
      created,
      await adminRaw("GET", `/chains/${f.chain}/upstreams`),
      await adminRaw("GET", `/chains/${f.chain}/upstreams/${id}`),
      await adminRaw("PATCH", `/chains/${f.chain}/upstreams/${id}`, {
        url: `${SECRET_URL}&v=2`,
        enabled: false,
      }),
    ];
    for (const res of responses) {
      expect(res.ok).toBe(true);
      const text = await res.text();
      expect(text).not.toContain("SuperSecretProviderKey123");
      expect(text).not.toContain("AnotherSecret456");
      expect(text).not.toContain(env.TEST_ANVIL_URL);
    }
    const audit = (
      await env.DB.prepare("SELECT * FROM audit_log WHERE target = ?1").bind(id).all<{ after: string }>()
    ).results;
    expect(JSON.stringify(audit)).not.toContain("SuperSecret");
    expect(audit.map((row) => JSON.parse(row.after).urlChanged)).toEqual([undefined, true]);
    const stored = JSON.stringify(
      (await env.DB.prepare("SELECT * FROM upstreams WHERE id = ?1").bind(id).all()).results,
    );
    expect(stored).not.toContain("SuperSecret");
  });

  test("a key's plaintext is returned once, at creation, and never listed", async () => {
    const f = await fixture();
    const list = await adminRaw("GET", `/tenants/${f.tenantId}/keys`);
    const text = await list.text();
    expect(text).toContain(f.keyId);
    expect(text).not.toContain(f.key);
    expect(text).not.toContain('"hash"');
  });
});

describe("audit log", () => {
  test("every write appends a row to the admin chain, each linked by HMAC to the one before", async () => {
    const before =
      (await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())?.n ?? 0;
    const f = await fixture(); // plan, tenant, key, chain, upstream: 5 writes
    await admin("PATCH", `/chains/${f.chain}/upstreams/${f.upstreamId}`, { name: "renamed" });
    await admin("DELETE", `/keys/${f.keyId}`);
    const { results } = await env.DB.prepare(
      "SELECT * FROM audit_log WHERE chain = 'admin' ORDER BY seq",
    ).all<AuditLogRow>();
    expect(results.length - before).toBe(7);
    expect(results.slice(-7).map((r) => r.action)).toEqual([
      "plan.create",
      "tenant.create",
      "key.create",
      "chain.create",
      "upstream.create",
      "upstream.update",
      "key.revoke",
    ]);
    const key = keyRingOf("AUDIT_KEY", env.AUDIT_KEY).current;
    let prev = GENESIS_LINK;
    for (const [i, row] of results.entries()) {
      expect(row).toMatchObject({ seq: i + 1, prev_hash: prev, key_id: "a1" });
      const linked = {
        ...row,
        prevHash: row.prev_hash,
        before: row.before && JSON.parse(row.before),
        after: row.after && JSON.parse(row.after),
      };
      expect(row.hash).toBe(await keyedLink(key, linked));
      prev = row.hash;
    }
    expect(results.at(-1)).toMatchObject({ actor: "admin:test-admin", target: f.keyId });
  });

  test("concurrent writes all land, in one unbroken chain", async () => {
    const names = Array.from({ length: 6 }, () => `plan-${crypto.randomUUID().slice(0, 8)}`);
    const results = await Promise.all(names.map((name) => adminRaw("POST", "/plans", { name })));
    expect(results.map((r) => r.status)).toEqual(names.map(() => 201));
    const rows = (
      await env.DB.prepare(
        "SELECT seq, prev_hash, hash FROM audit_log WHERE chain = 'admin' ORDER BY seq",
      ).all<{
        seq: number;
        prev_hash: string;
        hash: string;
      }>()
    ).results;
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]).toMatchObject({ seq: i + 1, prev_hash: rows[i - 1]?.hash });
    }
  });
});

describe("changes take effect without a restart", () => {
  test("disabling, re-enabling and deleting an upstream", async () => {
    const f = await fixture();
    expect((await rpc(f, balanceBody)).status).toBe(200);
    await admin("PATCH", `/chains/${f.chain}/upstreams/${f.upstreamId}`, { enabled: false });
    const down = await rpc(f, balanceBody);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { data: { code: "no_upstream" } } });
    await admin("PATCH", `/chains/${f.chain}/upstreams/${f.upstreamId}`, { enabled: true });
    expect((await rpc(f, balanceBody)).status).toBe(200);
    await admin("DELETE", `/chains/${f.chain}/upstreams/${f.upstreamId}`);
    expect((await rpc(f, balanceBody)).status).toBe(503);
  });

  test("a new upstream URL is used on the next call, even after the old one opened its circuit", async () => {
    const f = await fixture({ upstreamUrl: "http://127.0.0.1:9/" });
    expect((await rpc(f, chainIdBody)).status).toBe(502);
    await rpc(f, chainIdBody);
    const open = await rpc(f, chainIdBody);
    expect(open.status).toBe(503);
    expect(await open.json()).toMatchObject({ error: { data: { code: "no_upstream" } } });
    await admin("PATCH", `/chains/${f.chain}/upstreams/${f.upstreamId}`, { url: env.TEST_ANVIL_URL });
    expect((await rpc(f, chainIdBody)).status).toBe(200);
  });

  test("a chain's time budget and lag limit can be changed, and are audited", async () => {
    const f = await fixture();
    const updated = await adminRaw("PATCH", `/chains/${f.chain}`, { budgetMs: 2_500, maxLagBlocks: 12 });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ slug: f.chain, budgetMs: 2_500, maxLagBlocks: 12 });
    const health = await call(`/v1/${f.chain}/${f.key}/health`);
    expect(await health.json()).toMatchObject({ chain: f.chain, maxLagBlocks: 12 });
    const row = await env.DB.prepare(
      "SELECT action, before, after FROM audit_log ORDER BY id DESC LIMIT 1",
    ).first<{
      action: string;
      before: string;
      after: string;
    }>();
    expect(row?.action).toBe("chain.update");
    expect(JSON.parse(row?.before ?? "{}")).toMatchObject({ budgetMs: 10_000, maxLagBlocks: 5 });
    expect(JSON.parse(row?.after ?? "{}")).toMatchObject({ budgetMs: 2_500, maxLagBlocks: 12 });
    const bad = await adminRaw("PATCH", `/chains/${f.chain}`, { budgetMs: 5, chainId: 1 });
    expect(bad.status).toBe(400);
    expect((await adminRaw("PATCH", "/chains/no-such-chain", { name: "x" })).status).toBe(404);
  });
});

describe("tenants", () => {
  test("suspending a tenant stops its keys at once; reactivating restores them", async () => {
    const f = await fixture();
    expect((await rpc(f, chainIdBody)).status).toBe(200);
    const suspended = await admin<{ status: string }>("PATCH", `/tenants/${f.tenantId}`, {
      status: "suspended",
    });
    expect(suspended.status).toBe("suspended");
    expect((await rpc(f, chainIdBody)).status).toBe(401);
    await admin("PATCH", `/tenants/${f.tenantId}`, { status: "active" });
    expect((await rpc(f, chainIdBody)).status).toBe(200);
  });

  test("moving a tenant to a plan with a smaller batch limit applies at once", async () => {
    const f = await fixture();
    const small = await admin<{ id: string }>("POST", "/plans", {
      name: `small-${crypto.randomUUID()}`,
      maxBatch: 1,
    });
    const batch = `[${chainIdBody},${chainIdBody.replace('"id":1', '"id":2')}]`;
    expect((await rpc(f, batch)).status).toBe(200);
    await admin("PATCH", `/tenants/${f.tenantId}`, { planId: small.id });
    expect((await rpc(f, batch)).status).toBe(400);
  });
});
