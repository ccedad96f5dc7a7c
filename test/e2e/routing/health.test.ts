// GET /v1/:chain/health and the admin view: each upstream's score, state and head, by id, never
// by URL; the client view needs an API key, the admin view the admin token.
import { describe, expect, inject, test } from "vitest";
import { type FaultProxy, routedChain, setFault, untilStates, useProxies } from "./harness";

const proxies = useProxies();

describe("chain health", () => {
  test("shows every upstream's id, state, score and head, and no URL", async () => {
    const chain = await routedChain(proxies);
    await setFault(proxies[2] as FaultProxy, { mode: "refuse" });
    const report = await untilStates(chain, ["healthy", "healthy", "unreachable"]);
    expect(report).toMatchObject({
      chain: chain.slug,
      chainId: 31337,
      maxLagBlocks: 5,
      observedBy: "isolate",
    });
    expect(report.head).toBeGreaterThan(0);
    expect(report.upstreams.map((u) => u.id)).toEqual(chain.ids);
    expect(report.upstreams[0]).toMatchObject({ head: report.head, lag: 0, circuit: "closed" });
    expect(report.upstreams[0]?.score).toBeGreaterThanOrEqual(0);
    const text = JSON.stringify(report);
    for (const proxy of proxies) expect(text).not.toContain(new URL(proxy.url).host);
    expect(text).not.toContain("127.0.0.1");
  });

  test("needs an API key, in the path or a header", async () => {
    const chain = await routedChain(proxies);
    const base = `${inject("gatewayUrl")}/v1/${chain.slug}`;
    const key = new URL(chain.url).pathname.split("/").at(-1) as string;
    const anonymous = await fetch(`${base}/health`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: -32016, data: { code: "unauthorized" } } });
    expect((await fetch(`${base}/health`, { headers: { "x-api-key": key } })).status).toBe(200);
    expect((await fetch(`${base}/${key}/health`)).status).toBe(200);
    expect((await fetch(`${inject("gatewayUrl")}/v1/no-such-chain/${key}/health`)).status).toBe(404);
  });

  test("the admin view shows the same upstreams behind the admin token", async () => {
    const chain = await routedChain(proxies);
    const url = `${inject("gatewayUrl")}/admin/v1/chains/${chain.slug}/health`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${inject("adminToken")}` } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { upstreams: { id: string; state: string }[] };
    expect(report.upstreams.map((u) => u.id)).toEqual(chain.ids);
    expect(JSON.stringify(report)).not.toContain("127.0.0.1");
  });
});
