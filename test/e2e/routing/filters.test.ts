// Filters live on the node that made them: polls keep going to that upstream when another becomes the
// better one, and once that upstream is gone the client is told the filter is gone. Two anvils (two
// nodes with separate filter tables), each behind a fault proxy.
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { startAnvil } from "../../../scripts/lib/anvil.mjs";
import { startFaultProxy } from "../../../scripts/lib/faultProxy.mjs";
import {
  admin,
  callNode,
  callsOf,
  type FaultProxy,
  freshBalance,
  inSequence,
  type RoutedChain,
  resetProxies,
  routedChain,
  rpc,
  served,
  setFault,
  untilStates,
} from "./harness";

const nodes: Awaited<ReturnType<typeof startAnvil>>[] = [];
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  nodes.push(...(await Promise.all([startAnvil({ blockTime: 0 }), startAnvil({ blockTime: 0 })])));
  proxies.push(...(await Promise.all(nodes.map((n) => startFaultProxy({ target: n.url })))));
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await Promise.all(nodes.map((n) => n.stop()));
});
beforeEach(() => resetProxies(proxies));

/** A chain over both nodes where node `best` answers fastest, so it takes the calls. */
async function prefer(chain: RoutedChain, best: number) {
  await resetProxies(proxies);
  await setFault(proxies[1 - best] as FaultProxy, { mode: "latency", ms: 150 });
  const sent = await inSequence(8, () => freshBalance(chain));
  expect(served(chain, sent.at(-1) as (typeof sent)[number])).toBe(best);
}

test("polls go to the node that made the filter, even after another upstream became the best", async () => {
  const chain = await routedChain(proxies);
  await untilStates(chain, ["healthy", "healthy"]);
  await prefer(chain, 0);
  const made = await rpc(chain, "eth_newBlockFilter");
  expect(served(chain, made)).toBe(0);
  await prefer(chain, 1);
  await callNode((nodes[0] as { url: string }).url, "evm_mine");
  const polls = await inSequence(3, () => rpc(chain, "eth_getFilterChanges", [made.body.result]));
  for (const poll of polls) {
    expect(poll.body.error).toBeUndefined();
    expect(served(chain, poll)).toBe(0);
  }
  expect(polls[0]?.body.result).toHaveLength(1);
  expect(await callsOf(proxies, "eth_getFilterChanges")).toEqual([3, 0]);
});

test("once the filter's upstream is gone, a poll is told the filter is not found and no other node is asked", async () => {
  const chain = await routedChain(proxies);
  await untilStates(chain, ["healthy", "healthy"]);
  await prefer(chain, 0);
  const made = await rpc(chain, "eth_newBlockFilter");
  expect(served(chain, made)).toBe(0);
  await admin("PATCH", `/chains/${chain.slug}/upstreams/${chain.ids[0]}`, { enabled: false });
  const poll = await rpc(chain, "eth_getFilterChanges", [made.body.result]);
  expect(poll.body.error).toEqual({
    code: -32000,
    message: "filter not found",
    data: { code: "filter_not_found" },
  });
  expect(await callsOf(proxies, "eth_getFilterChanges")).toEqual([0, 0]);
  // The chain itself is still served, by the other upstream.
  expect(served(chain, await freshBalance(chain))).toBe(1);
});
