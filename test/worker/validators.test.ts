// Avalanche P-Chains (chains of kind avalanche-p) against the stand-in P-Chain API
// (test/support/pchainServer.mjs): what the EVM side leaves alone.
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { admin, call, type Fixture, fireCron, fixture, rpc } from "./gateway";

interface PchainFixture extends Fixture {
  /** The stand-in server's scenario behind the chain's one upstream. */
  scenario: string;
}

async function pchain(): Promise<PchainFixture> {
  const scenario = crypto.randomUUID().slice(0, 8);
  const f = await fixture({
    kind: "avalanche-p",
    upstreamUrl: `${env.TEST_PCHAIN_URL}/${scenario}/ext/bc/P`,
  });
  return { ...f, scenario };
}

/** What the P-Chain node was asked. */
async function asked(scenario: string): Promise<{ requests: number; methods: Record<string, number> }> {
  return (await fetch(`${env.TEST_PCHAIN_URL}/${scenario}/stats`)).json();
}

const notServed = (slug: string) =>
  `"${slug}" is an Avalanche P-Chain, read only by the validators job, not served over JSON-RPC: GET /v1/validators/${slug} for its validators`;

test("the probe job leaves a P-Chain alone: its node is asked nothing and its upstream stays enabled", async () => {
  const p = await pchain();
  await fireCron("* * * * *");
  expect(await asked(p.scenario)).toEqual({ requests: 0, methods: {} });
  const upstream = await admin<{ enabled: boolean; disabledReason: string | null }>(
    "GET",
    `/chains/${p.chain}/upstreams/${p.upstreamId}`,
  );
  expect(upstream).toMatchObject({ enabled: true, disabledReason: null });
  expect(await env.CONFIG_KV.get(`health:v1:${p.chain}`)).toBeNull();
});

test("a price feed named on a P-Chain is skipped, never read through its node", async () => {
  const p = await pchain();
  const base = `P${crypto.randomUUID().slice(0, 6).toUpperCase().replace(/-/g, "")}`;
  await admin("POST", "/price-feeds", {
    pair: `${base}/USD`,
    chain: p.chain,
    address: "0x0000000000000000000000000000000000000001",
    decimals: 8,
    heartbeatSeconds: 3600,
  });
  await fireCron("*/5 * * * *");
  expect(await asked(p.scenario)).toEqual({ requests: 0, methods: {} });
  expect((await call(`/v1/prices/${base}-USD`, { headers: { "x-api-key": p.key } })).status).toBe(404);
});

test("JSON-RPC to a P-Chain, over HTTP, WebSocket or health, is refused with where its data is", async () => {
  const p = await pchain();
  const responses = [
    await rpc(p, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'),
    await call(`/v1/${p.chain}/${p.key}`, { headers: { upgrade: "websocket" } }),
    await call(`/v1/${p.chain}/health`, { headers: { "x-api-key": p.key } }),
  ];
  for (const res of responses) {
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32010, message: notServed(p.chain), data: { code: "chain_not_found" } },
    });
  }
  expect(await asked(p.scenario)).toEqual({ requests: 0, methods: {} });
});
