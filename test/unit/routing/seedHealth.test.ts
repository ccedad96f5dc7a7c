import { describe, expect, test } from "vitest";
import type { ChainConfig, Upstream } from "../../../shared/config/chains";
import { applySnapshot } from "../../../shared/routing/seedHealth";
import { finalizedOf, healthOf } from "../../../shared/routing/tracker";
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

describe("applySnapshot: a failed reading is a probe's failure", () => {
  test("it confirms one tenant's failures, which then open the circuit", () => {
    const chain = chainWith(2);
    const [down, up] = chain.upstreams as [Upstream, Upstream];
    const now = 1_000_000;
    applySnapshot(
      chain,
      {
        chain: chain.slug,
        at: now - 30_000,
        upstreams: [
          { id: down.id, ok: false, latencyMs: 2_000, error: "upstream did not answer" },
          { id: up.id, ...reading },
        ],
      },
      now,
    );
    for (const u of [down, up]) {
      healthOf(u).circuit.failure(now + 1, "tenant-a");
      healthOf(u).circuit.failure(now + 2, "tenant-a");
    }
    expect(healthOf(down).circuit.state(now + 2)).toBe("open");
    // The same two failures of one tenant on an upstream the snapshot found well: still closed.
    expect(healthOf(up).circuit.state(now + 2)).toBe("closed");
  });
});
