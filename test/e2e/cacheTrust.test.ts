// The long-lived cache tiers trust a block as final only when a second upstream holds it final too:
// an upstream that lies about its head (the fault proxy's `ahead` mode) cannot get a block a reorg
// may still change kept for 30 days. Two proxies in front of one anvil of this file's own.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startAnvil } from "../../scripts/lib/anvil.mjs";
import { startFaultProxy } from "../../scripts/lib/faultProxy.mjs";
import {
  callNode,
  type FaultProxy,
  healthOf,
  type RoutedChain,
  routedChain,
  rpc,
  served,
  setFault,
  sleep,
} from "./routing/harness";

let node: Awaited<ReturnType<typeof startAnvil>>;
let honest: FaultProxy;
let liar: FaultProxy;
let chain: RoutedChain;

beforeAll(async () => {
  node = await startAnvil({ blockTime: 0 });
  [honest, liar] = await Promise.all([
    startFaultProxy({ target: node.url }),
    startFaultProxy({ target: node.url }),
  ]);
  // anvil's finalized block is its head less 64: with 100 blocks, blocks up to 36 are final.
  await callNode(node.url, "anvil_mine", ["0x64"]);
  await setFault(liar, { mode: "ahead", blocks: 1_000 });
  // The liar answers first: the honest node is slower.
  await setFault(honest, { mode: "latency", ms: 200 });
  chain = await routedChain([honest, liar], { budgetMs: 5_000 });
  for (let i = 0; i < 100; i++) {
    const report = await healthOf(chain);
    if (report.upstreams.every((u) => u.head !== null)) break;
    await rpc(chain, "eth_chainId");
    await sleep(50);
  }
});
afterAll(async () => {
  await Promise.all([honest?.stop(), liar?.stop()]);
  await node?.stop();
});

test("a block final only by the liar's word is served but never kept", async () => {
  const params = ["0x50", false];
  for (let i = 0; i < 2; i++) {
    const answer = await rpc(chain, "eth_getBlockByNumber", params);
    expect(answer.body).toMatchObject({ result: { number: "0x50" } });
    expect(served(chain, answer)).toBe(1);
    expect(answer.cache).toBe("MISS");
  }
});

test("a block both upstreams hold final is kept: the second ask is a hit", async () => {
  const params = ["0x10", false];
  const first = await rpc(chain, "eth_getBlockByNumber", params);
  expect(first.body).toMatchObject({ result: { number: "0x10" } });
  expect(first.cache).toBe("MISS");
  const second = await rpc(chain, "eth_getBlockByNumber", params);
  expect(second.cache).toBe("HIT");
  expect(second.body.result).toEqual(first.body.result);
});
