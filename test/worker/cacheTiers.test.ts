// The response cache's lower tiers as an operator sees them: what lands in the Cache API and in KV
// (RPC_CACHE), what is served from them, and what must never be kept there.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, test } from "vitest";
import { cacheKeyOf } from "../../shared/cache/key";
import { sha256Hex } from "../../shared/crypto/hash";
import { admin, anvil, type Fixture, fixture, rpc } from "./fixtures";

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
  // Block 0x0 is final once the head is at least 1, even on a node that answers `finalized` with null.
  await admin("PATCH", `/chains/${f.chain}`, { finalityDepth: 1 });
  await mineIfAtGenesis();
  // One ordinary call probes the chain, so the gateway knows its finalized block: by-number lookups
  // below memory happen only for blocks at or below it.
  const probe = await rpc(f, body(1, "eth_chainId", []));
  expect(await probe.json()).toMatchObject({ result: "0x7a69" });
});

/** Anvil's first dev account. */
const DEV = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

const body = (id: number | string, method: string, params: unknown[]) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });

/** Where the tiers keep a call's result: the Cache API URL and the KV key. */
async function tierKeys(method: string, params: unknown[]) {
  const hash = await sha256Hex(cacheKeyOf(f.chain, method, params));
  return { url: `https://rpc-cache.invalid/v1/${hash}`, kv: `rpc:v1:${hash}` };
}

async function fromCacheApi(url: string): Promise<string | null> {
  const found = await caches.default.match(new Request(url));
  return found ? found.text() : null;
}

/** Polls until `read` gives a value (writes happen in waitUntil, after the response). */
async function eventually(read: () => Promise<string | null>, ms = 2_000): Promise<string | null> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== null || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The shared anvil mines only on demand: make sure some block is above genesis. */
async function mineIfAtGenesis() {
  if (Number(await anvil("eth_blockNumber")) === 0) await anvil("evm_mine");
}

describe("writes below memory", () => {
  test("a final block answered by an upstream is written to KV and the Cache API, as the client got it", async () => {
    const params = ["0x0", false];
    const res = await rpc(f, body(1, "eth_getBlockByNumber", params));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("MISS");
    expect(res.headers.get("x-upstream-id")).toBe(f.upstreamId);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ id: 1, result: { number: "0x0" } });

    const keys = await tierKeys("eth_getBlockByNumber", params);
    const kept = await eventually(() => env.RPC_CACHE.get(keys.kv));
    expect(kept).not.toBeNull();
    expect(text).toBe(`{"jsonrpc":"2.0","id":1,"result":${kept}}`);
    expect(await eventually(() => fromCacheApi(keys.url))).toBe(kept);
  });

  test("Cache-Control: no-store is a BYPASS and keeps the answer out of every tier", async () => {
    const params = ["0x0"];
    const asked = body(1, "eth_getBlockTransactionCountByNumber", params);
    const res = await rpc(f, asked, { "cache-control": "no-store" });
    expect(res.headers.get("x-cache")).toBe("BYPASS");
    expect(res.headers.get("x-upstream-id")).toBe(f.upstreamId);
    expect(await res.json()).toMatchObject({ id: 1, result: "0x0" });

    // A later cacheable call's write landing shows the no-store call had its chance to write.
    const control = await rpc(f, body(2, "eth_getUncleCountByBlockNumber", ["0x0"]));
    expect(control.headers.get("x-cache")).toBe("MISS");
    const controlKeys = await tierKeys("eth_getUncleCountByBlockNumber", ["0x0"]);
    expect(await eventually(() => env.RPC_CACHE.get(controlKeys.kv))).toBe('"0x0"');

    const keys = await tierKeys("eth_getBlockTransactionCountByNumber", params);
    expect(await env.RPC_CACHE.get(keys.kv)).toBeNull();
    expect(await fromCacheApi(keys.url)).toBeNull();
    // Nor was it kept in memory: the same call without the header still goes to the upstream.
    const again = await rpc(f, asked);
    expect(again.headers.get("x-cache")).toBe("MISS");
    expect(again.headers.get("x-upstream-id")).toBe(f.upstreamId);
  });

  test("a block above finality is not written to KV or the Cache API", async () => {
    await mineIfAtGenesis();
    const head = await anvil("eth_blockNumber");
    expect(Number(head)).toBeGreaterThan(0);
    const params = [head, false];
    const res = await rpc(
      f,
      `[${body(1, "eth_getBlockByNumber", params)},${body(2, "eth_getTransactionCount", [DEV, "0x0"])}]`,
    );
    expect(res.headers.get("x-cache")).toBe("MISS, MISS");
    const [atHead] = (await res.json()) as { result: { number: string } | null }[];
    // A real block: a null is never kept anyway, which would make this test pass for the wrong reason.
    expect(atHead?.result?.number).toBe(head);

    // The final call of the same batch is written: writes had their chance.
    const controlKeys = await tierKeys("eth_getTransactionCount", [DEV, "0x0"]);
    expect(await eventually(() => env.RPC_CACHE.get(controlKeys.kv))).toBe('"0x0"');

    const keys = await tierKeys("eth_getBlockByNumber", params);
    expect(await env.RPC_CACHE.get(keys.kv)).toBeNull();
    expect(await fromCacheApi(keys.url)).toBeNull();
  });
});

describe("reads below memory", () => {
  test("a result only KV holds is served as a HIT with the caller's id, and fills the Cache API", async () => {
    const params = ["0x0", true];
    const planted = `{"number":"0x0","hash":"0x${"6b".repeat(32)}","planted":"kv"}`;
    const keys = await tierKeys("eth_getBlockByNumber", params);
    await env.RPC_CACHE.put(keys.kv, planted);

    const res = await rpc(f, body("from-kv", "eth_getBlockByNumber", params));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("HIT");
    expect(res.headers.get("x-upstream-id")).toBeNull();
    expect(await res.text()).toBe(`{"jsonrpc":"2.0","id":"from-kv","result":${planted}}`);
    expect(await eventually(() => fromCacheApi(keys.url))).toBe(planted);
  });

  test("a result only the Cache API holds is served as a HIT with the caller's id", async () => {
    const params = ["0x000000000000000000000000000000000000dEaD", "0x0"];
    const planted = '"0xc0ffee"';
    const keys = await tierKeys("eth_getBalance", params);
    await caches.default.put(
      new Request(keys.url),
      new Response(planted, {
        headers: { "content-type": "application/json", "cache-control": "public, max-age=3600" },
      }),
    );

    const res = await rpc(f, body(77, "eth_getBalance", params));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("HIT");
    expect(res.headers.get("x-upstream-id")).toBeNull();
    expect(await res.text()).toBe(`{"jsonrpc":"2.0","id":77,"result":${planted}}`);
  });
});
