// An unknown chain slug is remembered as a miss in KV (a request for it again costs a KV read, not a
// D1 query), and creating the chain drops the miss: the chain is served at once.
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { admin, call, fixture } from "./fixtures";

const chainId = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" });

test("an unknown slug is a 404 remembered in KV; creating the chain serves it at once", async () => {
  const f = await fixture();
  const slug = `later-${crypto.randomUUID().slice(0, 8)}`;
  const ask = () =>
    call(`/v1/${slug}/${f.key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chainId,
    });
  expect((await ask()).status).toBe(404);
  // Written after the answer (waitUntil).
  let miss: { at: number; value: unknown } | null = null;
  for (let i = 0; i < 50 && !miss; i++) {
    miss = await env.CONFIG_KV.get<{ at: number; value: unknown }>(`chain:v5:${slug}`, "json");
    if (!miss) await new Promise((r) => setTimeout(r, 20));
  }
  expect(miss).toMatchObject({ value: null });
  expect((await ask()).status).toBe(404);

  await admin("POST", "/chains", { slug, chainId: 31337, name: "Created later" });
  await admin("POST", `/chains/${slug}/upstreams`, { name: "anvil", url: env.TEST_ANVIL_URL });
  expect(await env.CONFIG_KV.get(`chain:v5:${slug}`)).toBeNull();
  const served = await ask();
  expect(served.status).toBe(200);
  expect(await served.json()).toMatchObject({ result: "0x7a69" });
});
