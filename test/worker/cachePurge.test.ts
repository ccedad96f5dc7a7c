// An operator purges a chain's response cache: what was kept (memory, Cache API, KV) is never served
// again, the next call goes to an upstream, the purge is in the audit log; other chains keep theirs.
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { admin, anvil, fixture, rpc } from "./fixtures";

const block0 = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "eth_getBlockByNumber",
  params: ["0x0", false],
});

async function finalChain() {
  const f = await fixture();
  await admin("PATCH", `/chains/${f.chain}`, { finalityDepth: 1 });
  if (Number(await anvil("eth_blockNumber")) === 0) await anvil("evm_mine");
  await rpc(f, JSON.stringify({ jsonrpc: "2.0", id: 0, method: "eth_chainId" }));
  return f;
}

test("after a purge, a kept final block is fetched from an upstream again, then kept anew", async () => {
  const [f, other] = await Promise.all([finalChain(), finalChain()]);
  for (const chain of [f, other]) {
    expect((await rpc(chain, block0)).headers.get("x-cache")).toBe("MISS");
    expect((await rpc(chain, block0)).headers.get("x-cache")).toBe("HIT");
  }
  const purged = await admin<{ chain: string; cacheGeneration: number }>(
    "POST",
    `/chains/${f.chain}/cache/purge`,
  );
  expect(purged).toEqual({ chain: f.chain, cacheGeneration: 1 });

  const again = await rpc(f, block0);
  expect(again.headers.get("x-cache")).toBe("MISS");
  expect(again.headers.get("x-upstream-id")).toBe(f.upstreamId);
  expect((await rpc(f, block0)).headers.get("x-cache")).toBe("HIT");
  // The other chain's answers stay.
  expect((await rpc(other, block0)).headers.get("x-cache")).toBe("HIT");

  const audit = await env.DB.prepare("SELECT actor, action, after FROM audit_log WHERE target = ?1")
    .bind(f.chain)
    .all<{ actor: string; action: string; after: string }>();
  expect(audit.results.find((r) => r.action === "chain.cache.purge")).toMatchObject({
    actor: "admin:test-admin",
    after: JSON.stringify({ cacheGeneration: 1 }),
  });
});

test("purging a chain that does not exist is a 404", async () => {
  await expect(admin("POST", "/chains/no-such-chain/cache/purge")).rejects.toThrow(/404/);
});
