// Rotating UPSTREAM_KEY inside workerd with anvil behind the gateway: seal with key 1, add key 2,
// re-seal (audited), remove key 1, and every chain is still served, across the config cache. Also:
// a sealed value moved to another row does not open, and a legacy v1 value opens and is re-sealed.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, test, vi } from "vitest";
import worker from "../../workers/gateway/src/index";
import { adminToken, BASE, type Fixture, fixture } from "./fixtures";
import { forbidInLogs } from "./logWatch";

/** Key 1 is the tests' UPSTREAM_KEY: a bare value, so its id is "k0". */
const KEY1 = env.UPSTREAM_KEY;
const KEY2 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozx9Pj8=";
const KEY3 = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=";
/** Key 2 added in front of the old bare value: the old key keeps its id "k0". */
const BOTH = `k2:${KEY2},${KEY1}`;
const NEW = `k2:${KEY2}`;
const BLOCK_NUMBER = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}';

/**
 * The Worker called with UPSTREAM_KEY set to `ring`, as a deployment with that secret would be. Waits
 * for the request's background work (the config's KV write among it; about 2 s for an RPC call).
 */
async function send(
  ring: string,
  path: string,
  init: RequestInit<IncomingRequestCfProperties> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request<unknown, IncomingRequestCfProperties>(`${BASE}${path}`, init);
  const res = await worker.fetch(request, { ...env, UPSTREAM_KEY: ring }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function rpcWith(ring: string, f: Fixture): Promise<Response> {
  return send(ring, `/v1/${f.chain}/${f.key}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: BLOCK_NUMBER,
  });
}

interface ResealResult {
  keyId: string;
  resealed: number;
  alreadyCurrent: number;
  legacy: number;
  fromKeys: Record<string, number>;
  unreadable: string[];
}

async function reseal(ring: string): Promise<ResealResult> {
  const res = await send(ring, "/admin/v1/upstreams/reseal", {
    method: "POST",
    headers: { authorization: `Bearer ${await adminToken()}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

async function expectServed(ring: string, f: Fixture) {
  const res = await rpcWith(ring, f);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ jsonrpc: "2.0", id: 1, result: expect.stringMatching(/^0x/) });
}

async function sealedOf(upstreamId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT url_sealed FROM upstreams WHERE id = ?1")
    .bind(upstreamId)
    .first<{ url_sealed: string }>();
  return row?.url_sealed as string;
}

const setSealed = (upstreamId: string, sealed: string) =>
  env.DB.prepare("UPDATE upstreams SET url_sealed = ?1 WHERE id = ?2").bind(sealed, upstreamId).run();

const countUpstreams = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM upstreams").first<{ n: number }>())?.n ?? 0;

/** A value in the format before key rings: `v1.<iv>.<ct>`, no key id, no additional data. */
async function sealV1(plaintext: string, base64Key: string): Promise<string> {
  const raw = Uint8Array.from(atob(base64Key), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plaintext));
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  return `v1.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

/** Moves this isolate's clock on: past the config's memory lifetime (15 s), within KV's trust (45 s). */
function later(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ms);
}

const logged = forbidInLogs(() => [env.TEST_ANVIL_URL, "127.0.0.1", KEY1, KEY2, KEY3]);
afterEach(() => {
  vi.useRealTimers();
});

test("seal with key 1, add key 2, re-seal (audited), remove key 1: every chain is still served", async () => {
  const a = await fixture();
  const b = await fixture();
  // The chain's second upstream holds a value from before key ids: v1, sealed with key 1.
  const second = await send(KEY1, `/admin/v1/chains/${b.chain}/upstreams`, {
    method: "POST",
    headers: { authorization: `Bearer ${await adminToken()}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "anvil-2", url: env.TEST_ANVIL_URL }),
  });
  const legacyId = ((await second.json()) as { id: string }).id;
  await setSealed(legacyId, await sealV1(env.TEST_ANVIL_URL, KEY1));
  expect(await sealedOf(a.upstreamId)).toMatch(/^v2\.k0\./);
  const total = await countUpstreams();

  // Key 1 alone: served, and the sealed values sit in the config cache (KV and memory).
  await expectServed(KEY1, a);
  await expectServed(KEY1, b);

  // Key 2 added in front: still served; re-sealing moves every value to key 2.
  await expectServed(BOTH, a);
  const first = await reseal(BOTH);
  expect(first).toEqual({
    keyId: "k2",
    resealed: total,
    alreadyCurrent: 0,
    legacy: 1,
    fromKeys: { k0: total },
    unreadable: [],
  });
  expect(await sealedOf(a.upstreamId)).toMatch(/^v2\.k2\./);
  expect(await sealedOf(legacyId)).toMatch(/^v2\.k2\./);

  const audit = await env.DB.prepare(
    "SELECT actor, action, target, after FROM audit_log WHERE action = 'upstreams.resealed' ORDER BY id DESC LIMIT 1",
  ).first<{ actor: string; action: string; target: string; after: string }>();
  expect(audit).toMatchObject({ actor: "admin:test-admin", target: "upstreams" });
  expect(JSON.parse(audit?.after as string)).toMatchObject({
    keyId: "k2",
    resealed: total,
    fromKeys: { k0: total },
  });
  expect(audit?.after).not.toContain("127.0.0.1");

  // Idempotent: nothing left to re-seal.
  expect(await reseal(BOTH)).toMatchObject({
    keyId: "k2",
    resealed: 0,
    alreadyCurrent: total,
    unreadable: [],
  });

  // Key 1 removed, past the isolate's memory of the configs: read again from KV or D1, still served.
  later(20_000);
  await expectServed(NEW, a);
  await expectServed(NEW, b);
  await expectServed(`k3:${KEY3},${NEW}`, b);

  // A ring without the sealing key: a clear error, with no URL or key material in it.
  later(20_000);
  const refused = await rpcWith(KEY1, a);
  const text = await refused.text();
  expect(refused.status).toBe(500);
  expect(JSON.parse(text)).toMatchObject({
    error: {
      code: -32603,
      message: expect.stringContaining("UPSTREAM_KEY lacks the key they are sealed with"),
      data: { code: "internal_error", chain: a.chain },
    },
  });
  for (const secret of [env.TEST_ANVIL_URL, "127.0.0.1", KEY1, KEY2]) expect(text).not.toContain(secret);
  expect(logged()).toContain('names key \\"k2\\", which the key ring does not list (it has k0)');
  expect(logged()).toContain(a.upstreamId);
}, 60_000);

test("a sealed value moved to another upstream's row does not open there; the re-seal names that row", async () => {
  const f = await fixture();
  const moved = await fixture();
  await setSealed(moved.upstreamId, await sealedOf(f.upstreamId));
  // Valid under the key that sealed it, but bound to the row it came from.
  const res = await rpcWith(`${NEW},${KEY1}`, moved);
  expect(res.status).toBe(500);
  expect(await res.text()).not.toContain("127.0.0.1");
  expect(logged()).toContain("does not open with key");
  expect(logged()).toContain(moved.upstreamId);

  const left = await sealedOf(moved.upstreamId);
  const result = await reseal(`${NEW},${KEY1}`);
  expect(result.unreadable).toEqual([moved.upstreamId]);
  expect(result.fromKeys).toEqual({ k0: result.resealed });
  await expectServed(NEW, f);
  // Left as it was, for an operator to look at; the others are re-sealed.
  expect(await sealedOf(moved.upstreamId)).toBe(left);
  expect(await sealedOf(f.upstreamId)).toMatch(/^v2\.k2\./);
});

test("a chain with one unreadable upstream is served by the others", async () => {
  const f = await fixture();
  const extra = await send(KEY1, `/admin/v1/chains/${f.chain}/upstreams`, {
    method: "POST",
    headers: { authorization: `Bearer ${await adminToken()}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "anvil-2", url: env.TEST_ANVIL_URL }),
  });
  const extraId = ((await extra.json()) as { id: string }).id;
  await setSealed(extraId, await sealedOf(f.upstreamId));
  await expectServed(KEY1, f);
  const health = await send(KEY1, `/admin/v1/chains/${f.chain}/health`, {
    headers: { authorization: `Bearer ${await adminToken()}` },
  });
  const report = (await health.json()) as { upstreams: { id: string }[] };
  expect(report.upstreams.map((u) => u.id)).toEqual([f.upstreamId]);
  expect(logged()).toContain("upstream_url_unopened");
  expect(logged()).toContain(extraId);
});

test("re-sealing needs a write token", async () => {
  const res = await send(NEW, "/admin/v1/upstreams/reseal", {
    method: "POST",
    headers: { authorization: `Bearer ${await adminToken({ scope: "admin:read" })}` },
  });
  expect(res.status).toBe(403);
});
