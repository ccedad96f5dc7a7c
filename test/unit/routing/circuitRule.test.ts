/**
 * Who may open an upstream's circuit, and whose failures raise its error rate for whom
 * (shared/routing/confirmation.ts): one tenant's failures alone never, two tenants' or a probe's do.
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
    expect(isConfirmed({ tenants, gateway, sole: undefined })).toBe(confirmed);
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

  test("failures of two tenants raise it for everyone", () => {
    const w = window([...many(A, 2), [50, B]], many(B, 1));
    for (const viewer of [A, B, "tenant-c", GATEWAY] as Caller[]) expect(w.rate(100, viewer)).toBe(0.75);
  });

  test("a probe's failure raises it for everyone", () => {
    const w = window([...many(A, 1), [50, GATEWAY]], many(B, 2));
    expect(w.rate(100, B)).toBe(0.5);
    expect(w.rate(100, "tenant-c")).toBe(0.5);
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

  test("then B's failed requests open it for everyone", () => {
    const u = upstream();
    healthOf(u);
    for (let i = 0; i < 10; i++) recordResult(u, "failed", A, 1_000 + i);
    recordResult(u, "failed", B, 1_010);
    expect(metricsOf(u, 1_020, B)).toMatchObject({ circuit: "open", errorRate: 1 });
    expect(metricsOf(u, 1_020, "tenant-c")).toMatchObject({ circuit: "open", errorRate: 1 });
  });
});
