// The scheduled jobs, run through the Worker's scheduled handler inside workerd against anvil, with
// the real D1 and KV: what each job leaves where the gateway and an operator read it.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { admin, anvil, call, fireCron, fixture, rpc } from "./fixtures";

interface JobView {
  job: string;
  cron: string;
  latest: {
    status: string;
    startedAt: number;
    endedAt: number | null;
    counts: Record<string, number>;
    error: string | null;
  } | null;
}

describe("the probe job (every minute)", () => {
  test("publishes each chain's health to KV and D1; an upstream on another chain is disabled, with the reason shown", async () => {
    const good = await fixture();
    // The same anvil (chain id 31337) configured as chain id 1.
    const wrong = await fixture({ chainId: 1 });
    const before = Date.now();
    const headBefore = Number(await anvil("eth_blockNumber"));

    await fireCron("* * * * *");

    const snapshot = await env.CONFIG_KV.get<{
      at: number;
      upstreams: { id: string; ok: boolean; head: number; chainIdOk: boolean; latencyMs: number }[];
    }>(`health:v1:${good.chain}`, "json");
    expect(snapshot?.at).toBeGreaterThanOrEqual(before);
    expect(snapshot?.upstreams).toEqual([
      expect.objectContaining({ id: good.upstreamId, ok: true, chainIdOk: true, syncing: false }),
    ]);
    expect(snapshot?.upstreams[0]?.head).toBeGreaterThanOrEqual(headBefore);

    const history = await env.DB.prepare(
      "SELECT upstream_id, ok, head FROM upstream_probes WHERE chain = ? AND at >= ?",
    )
      .bind(good.chain, before)
      .all<{ upstream_id: string; ok: number; head: number }>();
    expect(history.results).toEqual([
      { upstream_id: good.upstreamId, ok: 1, head: snapshot?.upstreams[0]?.head },
    ]);

    const upstream = await admin<{ enabled: boolean; disabledReason: string | null }>(
      "GET",
      `/chains/${wrong.chain}/upstreams/${wrong.upstreamId}`,
    );
    expect(upstream.enabled).toBe(false);
    expect(upstream.disabledReason).toMatch(
      /^disabled by the probe job at .*: eth_chainId answered 31337, this chain is 1$/,
    );
    const audit = await env.DB.prepare("SELECT actor, action FROM audit_log WHERE target = ?")
      .bind(wrong.upstreamId)
      .all();
    expect(audit.results.at(-1)).toEqual({ actor: "cron:probes", action: "upstream.disable" });
    // The gateway stops using it at once: the chain has no upstream left.
    const res = await rpc(wrong, '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}');
    expect(res.status).toBe(503);

    const { jobs } = await admin<{ jobs: JobView[] }>("GET", "/jobs");
    const probes = jobs.find((j) => j.job === "probes");
    expect(probes?.cron).toBe("* * * * *");
    expect(probes?.latest).toMatchObject({ status: "partial" });
    expect(probes?.latest?.endedAt).toBeGreaterThanOrEqual(probes?.latest?.startedAt ?? Infinity);
    expect(probes?.latest?.counts).toMatchObject({ disabled: 1 });
    expect(probes?.latest?.counts.healthy).toBeGreaterThanOrEqual(1);
    expect(probes?.latest?.error).toContain(`${wrong.chain}/${wrong.upstreamId} disabled`);

    // Enabling it again clears the reason.
    const enabled = await admin<{ disabledReason: string | null }>(
      "PATCH",
      `/chains/${wrong.chain}/upstreams/${wrong.upstreamId}`,
      { enabled: true },
    );
    expect(enabled.disabledReason).toBeNull();
  });

  test("a second run leaves the first one's history and adds its own; nothing older than 7 days stays", async () => {
    const f = await fixture();
    const old = Date.now() - 8 * 86_400_000;
    await env.DB.prepare("INSERT INTO upstream_probes (at, chain, upstream_id, ok) VALUES (?, ?, ?, 1)")
      .bind(old, f.chain, f.upstreamId)
      .run();
    await fireCron("* * * * *");
    await fireCron("* * * * *");
    const rows = await env.DB.prepare("SELECT at FROM upstream_probes WHERE upstream_id = ? ORDER BY at")
      .bind(f.upstreamId)
      .all<{ at: number }>();
    expect(rows.results.length).toBe(2);
    expect(rows.results.every((r) => r.at > old)).toBe(true);
  });
});

test("an expression with no jobs runs nothing and records nothing", async () => {
  const { jobs: before } = await admin<{ jobs: JobView[] }>("GET", "/jobs");
  await fireCron("0 0 1 1 *");
  const { jobs: after } = await admin<{ jobs: JobView[] }>("GET", "/jobs");
  expect(after).toEqual(before);
});

test("an isolate meeting a chain takes its upstreams' health from the probe job's snapshot", async () => {
  // Nothing listens on port 9: this isolate's own probes of it fail, so a head it reports came from KV.
  const f = await fixture({ upstreamUrl: "http://127.0.0.1:9/" });
  const at = Date.now();
  await env.CONFIG_KV.put(
    `health:v1:${f.chain}`,
    JSON.stringify({
      chain: f.chain,
      at,
      upstreams: [{ id: f.upstreamId, ok: true, latencyMs: 42, chainId: 31337, chainIdOk: true, head: 4242 }],
    }),
  );
  const res = await call(`/v1/${f.chain}/health`, { headers: { "x-api-key": f.key } });
  expect(res.status).toBe(200);
  const report = await res.json<{ head: number; upstreams: { id: string; head: number; state: string }[] }>();
  expect(report.head).toBe(4242);
  expect(report.upstreams).toEqual([expect.objectContaining({ id: f.upstreamId, head: 4242 })]);
  expect(report.upstreams[0]?.state).not.toBe("unchecked");
});
