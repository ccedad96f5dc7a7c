// The arithmetic of request metrics as tables: histogram buckets, merging and percentiles; minute and
// hour cells; points, totals and splits of a span; a chain's state by its stated rule; the head age
// the probe snapshot carries.
import { describe, expect, test } from "vitest";
import {
  addCall,
  type CallSeen,
  type Cell,
  hourOf,
  mergeCells,
  minuteOf,
  rollToHours,
  statusClassOf,
} from "../../../shared/metrics/cells";
import { chainStateOf } from "../../../shared/metrics/chainState";
import { dataPointOf } from "../../../shared/metrics/dataPoint";
import {
  bucketOf,
  countOf,
  type Histogram,
  LAST_BUCKET,
  mergeInto,
  observe,
  percentile,
  upperBoundOf,
} from "../../../shared/metrics/histogram";
import { seriesOf } from "../../../shared/metrics/series";
import { headOf } from "../../../shared/stores/health";

describe("histogram buckets", () => {
  test.each([
    [0, 0],
    [0.25, 0],
    [0.26, 1],
    [0.5, 4],
    [1, 8],
    [1.2, 10],
    [100, 35],
    [60_000, LAST_BUCKET],
    [10_000_000, LAST_BUCKET],
    [Number.NaN, 0],
  ])("%d ms -> bucket %d", (ms, bucket) => {
    expect(bucketOf(ms)).toBe(bucket);
  });

  test("every latency is at most its bucket's upper bound and above the one before", () => {
    for (const ms of [0.3, 1, 7, 42.5, 99, 100, 101, 2500, 30_000]) {
      const b = bucketOf(ms);
      expect(upperBoundOf(b)).toBeGreaterThanOrEqual(ms);
      expect(upperBoundOf(b - 1)).toBeLessThan(ms);
      expect(upperBoundOf(b) / ms).toBeLessThan(1.19 + 1e-9);
    }
  });
});

describe("percentiles", () => {
  const of = (values: number[]): Histogram => {
    const h: Histogram = {};
    for (const v of values) observe(h, v);
    return h;
  };
  test.each([
    [[], 0.5, null],
    [[10], 0.5, 11.31],
    [[10], 0.99, 11.31],
    [[1, 2, 3, 4, 100], 0.5, 3.36],
    [[1, 2, 3, 4, 100], 0.99, 107.63],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.5, 53.82],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.95, 107.63],
  ])("%j at %d -> %d", (values, q, expected) => {
    expect(percentile(of(values), q)).toBe(expected);
  });

  test("merging adds counts: the percentile of a merge is the percentile of all calls", () => {
    const a = of([1, 2, 3]);
    const b = of([100, 200]);
    const merged = mergeInto({ ...a }, b);
    expect(countOf(merged)).toBe(5);
    expect(merged).toEqual(of([1, 2, 3, 100, 200]));
    expect(percentile(merged, 0.5)).toBe(percentile(of([1, 2, 3, 100, 200]), 0.5));
  });
});

const call = (over: Partial<CallSeen> = {}): CallSeen => ({
  at: Date.UTC(2026, 11, 2, 10, 7, 30),
  upstream: "ups_a",
  family: "read",
  status: "ok",
  cache: "MISS",
  tenant: "tnt_1",
  latencyMs: 10,
  cu: 10,
  attempts: 1,
  ...over,
});

describe("cells", () => {
  test("calls of one minute and dimensions share a cell; another status or minute makes another", () => {
    const cells = new Map<string, Cell>();
    addCall(cells, call());
    addCall(cells, call({ latencyMs: 20, attempts: 2 }));
    addCall(cells, call({ status: "5xx" }));
    addCall(cells, call({ at: call().at + 60_000 }));
    const all = [...cells.values()];
    expect(all).toHaveLength(3);
    expect(all[0]).toMatchObject({
      at: Date.UTC(2026, 11, 2, 10, 7),
      requests: 2,
      errors: 0,
      cu: 20,
      attempts: 3,
    });
    expect(all[1]).toMatchObject({ status: "5xx", requests: 1, errors: 1 });
    expect(all[2]?.at).toBe(Date.UTC(2026, 11, 2, 10, 8));
  });

  test("minutes and hours start on the boundary", () => {
    const t = Date.UTC(2026, 11, 2, 10, 7, 30, 500);
    expect(minuteOf(t)).toBe(Date.UTC(2026, 11, 2, 10, 7));
    expect(hourOf(t)).toBe(Date.UTC(2026, 11, 2, 10));
  });

  test("minutes roll into their hour with counts and histograms added", () => {
    const cells = new Map<string, Cell>();
    for (const minute of [0, 15, 59, 60])
      addCall(cells, call({ at: Date.UTC(2026, 11, 2, 10) + minute * 60_000, latencyMs: minute + 1 }));
    const hours = rollToHours(cells.values());
    expect(hours.map((h) => [h.at, h.requests, countOf(h.latency)])).toEqual([
      [Date.UTC(2026, 11, 2, 10), 3, 3],
      [Date.UTC(2026, 11, 2, 11), 1, 1],
    ]);
  });

  test("merging a batch again into newer cells adds it, without sharing histograms", () => {
    const a = new Map<string, Cell>();
    addCall(a, call());
    const b = new Map<string, Cell>();
    mergeCells(b, a.values());
    mergeCells(b, a.values());
    expect([...b.values()][0]).toMatchObject({ requests: 2, cu: 20 });
    expect(countOf([...a.values()][0]?.latency ?? {})).toBe(1);
  });

  test.each([
    [true, undefined, "ok"],
    [false, undefined, "rpc_error"],
    [false, 403, "refused"],
    [false, 429, "refused"],
    [false, 502, "5xx"],
    [false, 503, "5xx"],
  ] as const)("ok %s, gateway status %s -> %s", (ok, status, expected) => {
    expect(statusClassOf(ok, status)).toBe(expected);
  });
});

describe("series", () => {
  const from = Date.UTC(2026, 11, 2, 10);
  const cells = new Map<string, Cell>();
  for (const [minute, upstream, status] of [
    [0, "a", "ok"],
    [0, "b", "ok"],
    [1, "a", "5xx"],
    [5, "b", "ok"],
    [61, "a", "ok"],
  ] as const) {
    addCall(cells, call({ at: from + minute * 60_000, upstream, status }));
  }
  const s = seriesOf([...cells.values()], { from, to: from + 3_600_000, stepMs: 300_000 }, 7);

  test("one point per step from `from`, empty steps included; cells outside the span left out", () => {
    expect(s.points.map((p) => [p.at - from, p.requests, p.errors])).toEqual([
      [0, 3, 1],
      [300_000, 1, 0],
      ...Array.from({ length: 10 }, (_, i) => [(i + 2) * 300_000, 0, 0]),
    ]);
    expect(s.points[2]).toMatchObject({ p50: null, p99: null });
  });

  test("totals and splits by each dimension", () => {
    expect(s.totals).toMatchObject({ requests: 4, errors: 1, cu: 40, attempts: 4, p50: 11.31 });
    expect(s.by.upstream).toMatchObject({ a: { requests: 2, errors: 1 }, b: { requests: 2, errors: 0 } });
    expect(s.by.status).toMatchObject({ ok: { requests: 3 }, "5xx": { requests: 1 } });
    expect(s.lost).toBe(7);
  });
});

describe("a chain's state", () => {
  test.each([
    [[true, true], 100, 0, "operational"],
    [[true, true], 100, 1, "operational"],
    [[true, true], 100, 2, "degraded"],
    [[true, false], 100, 0, "degraded"],
    [[false, false], 0, 0, "down"],
    [[true, true], 100, 51, "down"],
    [undefined, 0, 0, "unknown"],
    [undefined, 20, 11, "down"],
    // Too few calls to judge by: one timeout on a quiet chain is not an outage.
    [[true], 10, 9, "operational"],
    [[], 0, 0, "unknown"],
  ] as const)("probes %j, %d calls, %d failed -> %s", (probes, requests, errors, state) => {
    expect(chainStateOf({ probes, recent: { requests, errors } }).state).toBe(state);
  });

  test("the reason names the part of the rule", () => {
    expect(chainStateOf({ probes: [true, false, true], recent: { requests: 0, errors: 0 } }).reason).toBe(
      "1 of 3 upstreams failed their last probe",
    );
    expect(chainStateOf({ probes: [true], recent: { requests: 200, errors: 5 } }).reason).toBe(
      "2.5% of calls failed in the last 5 minutes",
    );
  });
});

describe("the head's age in the probe snapshot", () => {
  const ok = (head: number) => ({ ok: true, latencyMs: 1, head });
  test.each([
    ["first snapshot", [ok(10)], null, { head: 10, headAt: 1000 }],
    ["the head moved", [ok(11), ok(9)], { head: 10, headAt: 500 }, { head: 11, headAt: 1000 }],
    ["the same head", [ok(10)], { head: 10, headAt: 500 }, { head: 10, headAt: 500 }],
    [
      "no upstream answered",
      [{ ok: false, latencyMs: 1 }],
      { head: 10, headAt: 500 },
      { head: 10, headAt: 500 },
    ],
    ["nothing ever", [{ ok: false, latencyMs: 1 }], null, {}],
  ])("%s", (_name, readings, previous, expected) => {
    const prev = previous && { chain: "c", at: 0, upstreams: [], ...previous };
    expect(headOf(readings, prev, 1000)).toEqual(expected);
  });
});

describe("the Analytics Engine data point", () => {
  test("blobs, doubles and the index in the documented order", () => {
    expect(dataPointOf("mainnet", call({ latencyMs: 12.5, cu: 26, attempts: 2 }))).toEqual({
      blobs: ["mainnet", "ups_a", "read", "ok", "MISS", "tnt_1"],
      doubles: [12.5, 26, 2],
      indexes: ["tnt_1"],
    });
  });
});
