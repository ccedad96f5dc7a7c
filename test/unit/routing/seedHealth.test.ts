import { describe, expect, test } from "vitest";
import type { ChainConfig, Upstream } from "../../../shared/config/chains";
import { applySnapshot } from "../../../shared/routing/seedHealth";
import { finalizedOf, healthOf, metricsOf, recordResult } from "../../../shared/routing/tracker";
import { type HealthSnapshot, SNAPSHOT_MAX_AGE_MS } from "../../../shared/stores/health";

let n = 0;
function chainWith(count: number): ChainConfig {
  const upstreams: Upstream[] = Array.from({ length: count }, () => ({
    id: `ups_seed_${n++}`,
    url: `http://node-${n}.test`,
    secrets: [],
    capabilities: [],
    oldestBlock: undefined,
  }));
  return { slug: `seed-${n}`, chainId: 1, enabled: true, upstreams } as unknown as ChainConfig;
}

const reading = { ok: true, latencyMs: 40, chainId: 1, chainIdOk: true, head: 100, finalized: 90 };

describe("applySnapshot: an isolate's first view of a chain comes from the cron's probes", () => {
  test("an upstream this isolate knows nothing about takes the snapshot's chain id check, head, finalized and latency", () => {
    const chain = chainWith(2);
    const [a, b] = chain.upstreams as [Upstream, Upstream];
    const now = 1_000_000;
    const snapshot: HealthSnapshot = {
      chain: chain.slug,
      at: now - 30_000,
      upstreams: [
        { id: a.id, ...reading },
        { id: b.id, ok: false, latencyMs: 2, chainId: 5, chainIdOk: false, error: "wrong chain" },
      ],
    };
    applySnapshot(chain, snapshot, now);
    expect(healthOf(a)).toMatchObject({ chainIdOk: true, head: 100, finalized: 90 });
    expect(healthOf(a).latency.ewma).toBe(40);
    expect(finalizedOf(a, 64)).toBe(90);
    expect(healthOf(b)).toMatchObject({ chainIdOk: false, head: undefined });
  });

  test("what the isolate measured itself wins over the snapshot", () => {
    const chain = chainWith(1);
    const [a] = chain.upstreams as [Upstream];
    healthOf(a).chainIdOk = true;
    healthOf(a).head = 500;
    applySnapshot(chain, { chain: chain.slug, at: 0, upstreams: [{ id: a.id, ...reading }] }, 1);
    expect(healthOf(a).head).toBe(500);
  });

  test("a stale snapshot is not used", () => {
    const chain = chainWith(1);
    const [a] = chain.upstreams as [Upstream];
    const now = 10 * SNAPSHOT_MAX_AGE_MS;
    applySnapshot(
      chain,
      { chain: chain.slug, at: now - SNAPSHOT_MAX_AGE_MS - 1, upstreams: [{ id: a.id, ...reading }] },
      now,
    );
    expect(healthOf(a)).toMatchObject({ chainIdOk: undefined, head: undefined });
  });
});

describe("applySnapshot: a failed reading is a probe's failure, at the reading's time", () => {
  const A = "tenant-a";
  const now = 1_000_000;

  /** A chain whose first upstream the snapshot taken `age` ms ago found failing, then A's 2 failures. */
  function afterFailedReading(age: number): [Upstream, Upstream] {
    const chain = chainWith(2);
    const [down, up] = chain.upstreams as [Upstream, Upstream];
    applySnapshot(
      chain,
      {
        chain: chain.slug,
        at: now - age,
        upstreams: [
          { id: down.id, ok: false, latencyMs: 2_000, error: "upstream did not answer" },
          { id: up.id, ...reading },
        ],
      },
      now,
    );
    for (const u of [down, up]) {
      recordResult(u, "failed", A, now + 1);
      recordResult(u, "failed", A, now + 2);
    }
    return [down, up];
  }

  test("a fresh one confirms one tenant's failures: the circuit opens and every tenant sees them", () => {
    const [down, up] = afterFailedReading(1_000);
    expect(metricsOf(down, now + 2, "tenant-b")).toMatchObject({ circuit: "open", errorRate: 1 });
    // The same two failures of one tenant on an upstream the snapshot found well: still closed.
    expect(metricsOf(up, now + 2, "tenant-b")).toMatchObject({ circuit: "closed", errorRate: 0 });
  });

  test.each([
    { age: 30_000, what: "as old as the error rate's window" },
    { age: SNAPSHOT_MAX_AGE_MS - 1_000, what: "minutes old, in a snapshot still used" },
  ])("one $what confirms nothing: one tenant's failures leave the upstream to the others", ({ age }) => {
    const [down] = afterFailedReading(age);
    expect(metricsOf(down, now + 2, "tenant-b")).toMatchObject({ circuit: "closed", errorRate: 0 });
    // Tenant A's own calls still see their failures.
    expect(metricsOf(down, now + 2, A).errorRate).toBe(1);
  });

  test("one older than the circuit's window leaves it closed, and counts in the error rate while within its 30 s", () => {
    const [down] = afterFailedReading(10_000);
    expect(metricsOf(down, now + 2, "tenant-b")).toMatchObject({ circuit: "closed", errorRate: 1 });
    expect(metricsOf(down, now + 20_002, "tenant-b")).toMatchObject({ circuit: "closed", errorRate: 0 });
  });
});
