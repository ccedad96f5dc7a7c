// Rotating UPSTREAM_KEY and AUDIT_KEY as an operator does it: redeploy with the new key listed
// first and the old one kept, re-seal, redeploy without the old key. The gateway runs in workerd
// with its D1, KV and Durable Object state kept on disk between the three deployments.
import { afterAll, expect, inject, test } from "vitest";
import { ROOT, startGateway } from "../../scripts/lib/gateway.mjs";
import { freePort } from "../../scripts/lib/ports.mjs";
import { adminApi, seedDemo } from "../../scripts/lib/seed.mjs";
import { adminToken } from "../../scripts/lib/token.mjs";
import { tempDir } from "../support/tempDir.mjs";

/** 32 random bytes, base64, as `openssl rand -base64 32` makes a key. */
const newKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const ADMIN_JWT_SECRET = `${newKey()}${newKey()}`;
const [upstream1, upstream2, audit1, audit2] = [newKey(), newKey(), newKey(), newKey()];
const state = tempDir("rotation-");
afterAll(state.remove);

interface Deployment {
  api: ReturnType<typeof adminApi>;
  url: string;
  stop: () => Promise<void>;
}

/** The gateway as deployed with these two key rings, on the state the earlier deployments left. */
async function deploy(UPSTREAM_KEY: string, AUDIT_KEY: string): Promise<Deployment> {
  const gateway = await startGateway({
    port: await freePort(),
    persistRoot: state.path,
    bindings: { ADMIN_JWT_SECRET, UPSTREAM_KEY, AUDIT_KEY },
    outDir: `${ROOT}/.wrangler/e2e-rotation/build`,
  });
  const token = await adminToken(ADMIN_JWT_SECRET);
  return { api: adminApi({ gatewayUrl: gateway.url, token }), url: gateway.url, stop: gateway.stop };
}

async function chainId(url: string): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}',
  });
  return res.json();
}

interface Verification {
  verified: boolean;
  chains: { chain: string; verified: boolean; broken?: { reason: string } }[];
}

test("seal with key 1, add key 2, re-seal, remove key 1: every chain still served, the audit log still verifies", async () => {
  const first = await deploy(upstream1, `a1:${audit1}`);
  const { key, chain } = await seedDemo({
    gatewayUrl: first.url,
    token: await adminToken(ADMIN_JWT_SECRET),
    upstreamUrl: inject("anvilUrl"),
    localOnly: true,
  });
  const rpcPath = `/v1/${chain}/${key}`;
  expect(await chainId(first.url + rpcPath)).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
  await first.stop();

  // Removing a key before re-sealing: the log names the rows it can no longer check.
  const early = await deploy(`k2:${upstream2}`, `a2:${audit2}`);
  const unchecked = (await early.api("GET", "/audit/verify")) as Verification;
  expect(unchecked.verified).toBe(false);
  expect(unchecked.chains[0]?.broken?.reason).toBe(
    'it is linked with AUDIT_KEY key "a1", which is no longer listed; list it again, re-seal, then remove it',
  );
  await early.stop();

  // The bare key of the first deployment has the id k0.
  const both = await deploy(`k2:${upstream2},k0:${upstream1}`, `a2:${audit2},a1:${audit1}`);
  expect(await chainId(both.url + rpcPath)).toMatchObject({ result: "0x7a69" });
  expect(await both.api("POST", "/upstreams/reseal")).toMatchObject({ keyId: "k2", resealed: 1 });
  const resealed = (await both.api("POST", "/audit/reseal")) as {
    keyId: string;
    chains: { fromKeys: Record<string, number> }[];
  };
  expect(resealed.keyId).toBe("a2");
  expect(resealed.chains[0]?.fromKeys.a1).toBeGreaterThan(0);
  expect(await both.api("POST", "/upstreams/reseal")).toMatchObject({ resealed: 0 });
  await both.stop();

  const last = await deploy(`k2:${upstream2}`, `a2:${audit2}`);
  try {
    expect(await chainId(last.url + rpcPath)).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
    const after = (await last.api("GET", "/audit/verify")) as Verification;
    expect(after).toMatchObject({ verified: true, chains: [{ chain: "admin" }, { chain: "screening" }] });
    // Later writes link with the new key and the chain stays whole.
    await last.api("POST", "/plans", { name: "after-rotation" });
    expect(((await last.api("GET", "/audit/verify")) as Verification).verified).toBe(true);
  } finally {
    await last.stop();
  }
});
