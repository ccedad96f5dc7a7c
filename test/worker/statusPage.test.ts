// The public status page as served (HTML, without a browser): each chain with its state, head and
// numbers, the page's data block that the charts read, a strict CSP, the assets from this origin
// only, and no upstream URL or key anywhere. test/e2e/pages draws it in Chromium.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { admin, call, fireCron, fixture, resetSanctions, rpc } from "./fixtures";

describe("GET /status", () => {
  test("shows each chain's state, head and numbers under a strict CSP, with no URL or key", async () => {
    await resetSanctions();
    const f = await fixture();
    await rpc(
      f,
      '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x00000000000000000000000000000000000000aa","latest"]}',
    );
    await fireCron("* * * * *");
    const res = await call("/status");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    expect(html).toContain(`id="chain-${f.chain}"`);
    expect(html).toMatch(/data-head="\d+"/);
    expect(html).toContain('<script src="/assets/uplot.js" defer="">');
    // The data block parses, and holds a point per minute of the last hour for the chain.
    const block = /<script type="application\/json" id="page-data">(.*?)<\/script>/s.exec(html)?.[1] ?? "";
    const data = JSON.parse(block) as Record<string, unknown[]>;
    expect(data[`${f.chain}:hour`]).toHaveLength(60);
    expect(data[`${f.chain}:day`]).toHaveLength(96);
    // No inline script: every <script> is a data block or from /assets.
    for (const tag of html.match(/<script[^>]*>/g) ?? [])
      expect(tag).toMatch(/type="application\/json"|src="\/assets\//);
    expect(html).not.toContain(env.TEST_ANVIL_URL);
    expect(html).not.toContain("127.0.0.1");
    expect(html).not.toContain(f.key);
  });

  test("serves uPlot, the stylesheets and the chart script from this origin", async () => {
    for (const [file, type, contains] of [
      ["uplot.js", "text/javascript", "uPlot"],
      ["uplot.css", "text/css", ".uplot"],
      ["pages.css", "text/css", "section.chain"],
      ["charts.js", "text/javascript", "data-chart"],
    ]) {
      const res = await call(`/assets/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      expect(await res.text()).toContain(contains);
    }
    expect((await call("/assets/nothing.js")).status).toBe(404);
  });
});

describe("incidents", () => {
  test("failed probes, the chain down and a disabled upstream appear in /status.json, named only when public", async () => {
    await resetSanctions();
    const f = await fixture({ upstreamUrl: "http://127.0.0.1:9/" });
    // Mark the dead upstream public: the page may name it.
    await admin("PATCH", `/chains/${f.chain}/upstreams/${f.upstreamId}`, { public: true });
    const other = await admin<{ id: string }>("POST", `/chains/${f.chain}/upstreams`, {
      name: "private",
      url: "http://127.0.0.1:9/x",
    });
    // Two probe runs a minute apart, as the cron would make them.
    const now = Date.now();
    for (const at of [now - 120_000, now - 60_000]) {
      await env.DB.batch(
        [f.upstreamId, other.id].map((id) =>
          env.DB.prepare("INSERT INTO upstream_probes (at, chain, upstream_id, ok) VALUES (?, ?, ?, 0)").bind(
            at,
            f.chain,
            id,
          ),
        ),
      );
    }
    await admin("PATCH", `/chains/${f.chain}/upstreams/${other.id}`, { enabled: false });
    // The report is kept 10 s per isolate: wait out one built by an earlier test.
    await new Promise((r) => setTimeout(r, 10_100));
    const status = await (await call("/status.json")).json<{
      chains: { chain: string; incidents: { kind: string; upstream?: string; to: string | null }[] }[];
    }>();
    const incidents = status.chains.find((c) => c.chain === f.chain)?.incidents ?? [];
    expect(incidents.map((i) => [i.kind, i.upstream ?? null, i.to === null])).toEqual(
      expect.arrayContaining([
        ["upstream_disabled", "an upstream", true],
        ["chain_down", null, true],
        ["upstream_down", "anvil", true],
        ["upstream_down", "an upstream", true],
      ]),
    );
    // The private upstream's name is never shown.
    expect(JSON.stringify(incidents)).not.toContain("private");
  });
});
