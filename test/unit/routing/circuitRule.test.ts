/**
 * Who may open an upstream's circuit, and whose failures raise its error rate for whom
 * (shared/routing/confirmation.ts): one tenant's failures alone never, two tenants' or a probe's do,
 * and one tenant's weigh for the others no more than everyone else's together.
 */
import { describe, expect, test } from "vitest";
import type { Upstream } from "../../../shared/config/chains";
import { Circuit } from "../../../shared/routing/circuit";
import { type Caller, GATEWAY, isConfirmed } from "../../../shared/routing/confirmation";
import { ErrorWindow } from "../../../shared/routing/errorWindow";
import { healthOf, metricsOf, recordResult } from "../../../shared/routing/tracker";

const A = "tenant-a";
const B = "tenant-b";

/** A default circuit (3 failures within 10 s) given these failures, `[at, by]`. */
function circuitAfter(failures: [number, Caller][]): Circuit {
  const circuit = new Circuit();
  for (const [at, by] of failures) circuit.failure(at, by);
  return circuit;
}

const many = (by: Caller, count: number, from = 0): [number, Caller][] =>
  Array.from({ length: count }, (_, i) => [from + i * 10, by]);

describe("the rule", () => {
  test.each([
    { tenants: 0, gateway: false, confirmed: false },
    { tenants: 1, gateway: false, confirmed: false },
    { tenants: 2, gateway: false, confirmed: true },
    { tenants: 0, gateway: true, confirmed: true },
    { tenants: 1, gateway: true, confirmed: true },
  ])("$tenants tenants, gateway $gateway: confirmed $confirmed", ({ tenants, gateway, confirmed }) => {
    expect(isConfirmed({ tenants, gateway })).toBe(confirmed);
  });
});

describe("the circuit: who may open it", () => {
  test("one tenant's failures never open it, however many", () => {
    const circuit = circuitAfter(many(A, 200));
    expect(circuit.state(2_000)).toBe("closed");
    expect(circuit.admit(2_000)).toBe(true);
  });

  test("failures of two tenants' calls open it at the threshold", () => {
    const circuit = circuitAfter([
      [0, A],
      [10, A],
    ]);
    expect(circuit.state(10)).toBe("closed");
    circuit.failure(20, B);
    expect(circuit.state(20)).toBe("open");
    expect(circuit.admit(20)).toBe(false);
  });

  test("two tenants below the threshold leave it closed", () => {
    const circuit = circuitAfter([
      [0, A],
      [10, B],
    ]);
    expect(circuit.state(10)).toBe("closed");
  });

  test("a second tenant's failure counts while it is within the window, however many of the first's came after", () => {
    const circuit = circuitAfter([[0, B], ...many(A, 50, 100)]);
    expect(circuit.state(600)).toBe("open");
  });

  test("a second tenant's failure older than the window does not confirm", () => {
    const circuit = circuitAfter([[0, B], ...many(A, 5, 10_000)]);
    expect(circuit.state(10_040)).toBe("closed");
  });

  test("a probe's failure confirms one tenant's failures: it opens", () => {
    expect(circuitAfter([...many(A, 2), [100, GATEWAY]]).state(100)).toBe("open");
    expect(circuitAfter([[0, GATEWAY], ...many(A, 2, 100)]).state(200)).toBe("open");
  });

  test("a probe's failure older than the window does not", () => {
    const circuit = circuitAfter([[0, GATEWAY], ...many(A, 3, 10_000)]);
    expect(circuit.state(10_020)).toBe("closed");
  });

  test("one tenant's failures at the threshold make it suspect until a probe answers", () => {
    const circuit = circuitAfter(many(A, 2, 1_000));
    expect(circuit.suspectSince(1_010)).toBeUndefined();
    circuit.failure(1_020, A);
    circuit.failure(1_030, A);
    // The oldest of the three newest failures.
    expect(circuit.suspectSince(1_030)).toBe(1_010);
    circuit.success(); // the probe answered: the failures were the calls', not the node's
    expect(circuit.suspectSince(1_040)).toBeUndefined();
    circuit.failure(1_050, B);
    expect(circuit.state(1_050)).toBe("closed");
  });

  test("a suspect circuit whose probe fails opens", () => {
    const circuit = circuitAfter(many(A, 3));
    expect(circuit.suspectSince(20)).toBe(0);
    circuit.failure(30, GATEWAY);
    expect(circuit.state(30)).toBe("open");
    expect(circuit.suspectSince(30)).toBeUndefined();
  });

  test("suspicion lapses with the window", () => {
    const circuit = circuitAfter(many(A, 3));
    expect(circuit.suspectSince(9_999)).toBe(0);
    expect(circuit.suspectSince(10_000)).toBeUndefined();
  });

  test("a probe's failure recorded late, at its own earlier time, confirms only within the window", () => {
    const late = (at: number) => {
      const circuit = circuitAfter([
        [20_000, A],
        [20_010, A],
      ]);
      circuit.failure(at, GATEWAY);
      return circuit;
    };
    expect(late(10_000).state(20_010)).toBe("closed");
    expect(late(10_000).suspectSince(20_010)).toBeUndefined();
    expect(late(15_000).state(20_010)).toBe("open");
    // Opened as of the newest failure: the cool-down runs from there.
    expect(late(15_000).state(20_010 + 4_999)).toBe("open");
    expect(late(15_000).state(20_010 + 5_000)).toBe("half_open");
  });

  test("a confirmed circuit is not suspect, and an open one neither", () => {
    const confirmed = circuitAfter([
      [0, A],
      [10, B],
    ]);
    expect(confirmed.suspectSince(10)).toBeUndefined();
    expect(circuitAfter([...many(A, 2), [20, B]]).suspectSince(20)).toBeUndefined();
  });
});

describe("the error rate: whose failures count for whom", () => {
  const window = (failures: [number, Caller][], oks: [number, Caller][] = []) => {
    const w = new ErrorWindow();
    for (const [at, by] of oks) w.record(false, at, by);
    for (const [at, by] of failures) w.record(true, at, by);
    return w;
  };

  test("one tenant's failures raise the rate for that tenant only", () => {
    const w = window(many(A, 3), many(B, 1));
    expect(w.rate(100, A)).toBe(0.75);
    expect(w.rate(100, B)).toBe(0);
    expect(w.rate(100, GATEWAY)).toBe(0);
  });

  test("failures spread over tenants, none with more than the others together, count fully for everyone", () => {
    const w = window([...many(A, 2), ...many(B, 1, 50), ...many("tenant-c", 1, 60)], many(B, 1));
    for (const viewer of [A, B, "tenant-c", "tenant-d", GATEWAY] as Caller[])
      expect(w.rate(100, viewer)).toBe(0.8);
  });

  test("a probe's failure raises it for everyone", () => {
    const w = window([...many(A, 1), [50, GATEWAY]], many(B, 2));
    expect(w.rate(100, B)).toBe(0.5);
    expect(w.rate(100, "tenant-c")).toBe(0.5);
  });

  test("A's 1,000 failures and one of B's: everyone but A sees two failures, not 1,001", () => {
    const w = window([...many(A, 1_000), [10_000, B]], many(B, 8, 5_000));
    for (const viewer of [B, "tenant-c", GATEWAY] as Caller[]) expect(w.rate(10_000, viewer)).toBe(2 / 10);
    expect(w.rate(10_000, A)).toBe(1_001 / 1_009);
  });

  test("A's 1,000 failures and one probe's: everyone but A sees two failures", () => {
    const w = window([...many(A, 1_000), [10_000, GATEWAY]], many(B, 8, 5_000));
    for (const viewer of [B, "tenant-c", GATEWAY] as Caller[]) expect(w.rate(10_000, viewer)).toBe(2 / 10);
    expect(w.rate(10_000, A)).toBe(1_001 / 1_009);
  });

  test("the top tenant weighs as much as the other tenants' failures and the gateway's together", () => {
    const w = window([...many(A, 10), ...many(B, 2, 200), [300, "tenant-c"], [400, GATEWAY]], many(B, 6));
    // 4 failures besides A's 10: A's count as 4, the 6 others left out of the 20 calls.
    expect(w.rate(500, B)).toBe(8 / 14);
    expect(w.rate(500, "tenant-d")).toBe(8 / 14);
    expect(w.rate(500, A)).toBe(14 / 20);
  });

  test("a tenant that starts failing after four others within the same second is still told apart", () => {
    const others = ["t1", "t2", "t3", "t4"].map((id, i): [number, Caller] => [100 + i, id]);
    const w = window(
      [...others, ...many(A, 100, 200).map(([, by]): [number, Caller] => [500, by])],
      many(B, 10),
    );
    // By the rule A's 100 weigh as 4: 8 failures of 18 calls. Counted in four slots, A may take a
    // little more than its own: never does the viewer see A's 100.
    const seen = w.rate(900, "tenant-d");
    expect(seen).toBeLessThanOrEqual(8 / 18);
    expect(seen).toBeGreaterThanOrEqual(4 / 14);
    expect(w.rate(900, A)).toBe(104 / 114);
  });

  test("once the other tenant's failure leaves the window, the rest are the first tenant's alone again", () => {
    const w = window([
      [0, B],
      [20_000, A],
    ]);
    expect(w.rate(29_999, "tenant-c")).toBe(1);
    expect(w.rate(30_500, "tenant-c")).toBe(0);
    expect(w.rate(30_500, A)).toBe(1);
  });
});

describe("the tracker: one tenant's failures as the others see them", () => {
  let n = 0;
  const upstream = (): Upstream => ({
    id: `ups_rule_${n++}`,
    url: `http://rule-${n}.test`,
    secrets: [],
    capabilities: [],
    oldestBlock: undefined,
  });

  test("tenant A's failed requests leave the upstream closed and unpenalised for B, penalised for A", () => {
    const u = upstream();
    healthOf(u);
    for (let i = 0; i < 10; i++) recordResult(u, "failed", A, 1_000 + i);
    recordResult(u, "ok", B, 1_010);
    expect(metricsOf(u, 1_020, B)).toMatchObject({ circuit: "closed", errorRate: 0 });
    expect(metricsOf(u, 1_020, GATEWAY)).toMatchObject({ circuit: "closed", errorRate: 0 });
    expect(metricsOf(u, 1_020, A).errorRate).toBeCloseTo(10 / 11);
  });

  test("A's 1,000 failed requests and one of B's open the circuit, and weigh as two in B's ranking", () => {
    const u = upstream();
    healthOf(u);
    for (let i = 0; i < 8; i++) recordResult(u, "ok", B, 900 + i);
    for (let i = 0; i < 1_000; i++) recordResult(u, "failed", A, 1_000 + i);
    recordResult(u, "failed", B, 2_000);
    expect(metricsOf(u, 2_010, B)).toMatchObject({ circuit: "open", errorRate: 2 / 10 });
    expect(metricsOf(u, 2_010, A).errorRate).toBe(1_001 / 1_009);
  });

  test("then B's failed requests open it for everyone", () => {
    const u = upstream();
    healthOf(u);
    for (let i = 0; i < 10; i++) recordResult(u, "failed", A, 1_000 + i);
    recordResult(u, "failed", B, 1_010);
    expect(metricsOf(u, 1_020, B)).toMatchObject({ circuit: "open", errorRate: 1 });
    expect(metricsOf(u, 1_020, "tenant-c")).toMatchObject({ circuit: "open", errorRate: 1 });
  });
});
