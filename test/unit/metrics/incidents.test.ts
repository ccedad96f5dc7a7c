// A chain's incidents from its probe history, audit rows and circuit openings, as a table: runs of
// failed probes, the whole chain down, disabling paired with enabling, openings close together merged,
// names only when public, newest first.
import { describe, expect, test } from "vitest";
import { type IncidentFacts, incidentsOf } from "../../../shared/metrics/incidents";

const M = 60_000;
const base: IncidentFacts = {
  failed: [],
  chainDownAt: [],
  disabled: [],
  enabled: [],
  names: new Map([["ups_a", "Provider A"]]),
  lastProbeAt: 100 * M,
  probeEveryMs: M,
  circuitOpens: [],
  circuitCoolDownMs: 5_000,
  now: 100 * M,
};
const failed = (upstreamId: string, ...minutes: number[]) => minutes.map((m) => ({ at: m * M, upstreamId }));

describe("incidents", () => {
  test("a single failed probe is not an incident; two in a row are, ending a probe after the last", () => {
    expect(incidentsOf({ ...base, failed: failed("ups_a", 10) })).toEqual([]);
    expect(incidentsOf({ ...base, failed: failed("ups_a", 10, 11, 12) })).toEqual([
      {
        kind: "upstream_down",
        upstream: "Provider A",
        from: 10 * M,
        to: 13 * M,
        detail: "failed 3 probes in a row",
      },
    ]);
  });

  test("a gap between failed probes (a success, or no probe) ends the run: a flapping upstream is two runs, not one", () => {
    expect(incidentsOf({ ...base, failed: failed("ups_a", 10, 11, 13, 14) })).toHaveLength(2);
    expect(incidentsOf({ ...base, failed: failed("ups_a", 10, 12, 14) })).toEqual([]);
  });

  test("a run that reaches the last probe still lasts; an upstream not public is 'an upstream'", () => {
    expect(incidentsOf({ ...base, failed: failed("ups_b", 99, 100) })).toEqual([
      {
        kind: "upstream_down",
        upstream: "an upstream",
        from: 99 * M,
        to: null,
        detail: "failed 2 probes in a row",
      },
    ]);
  });

  test("every upstream failing the same probe is the chain down, even for one probe", () => {
    expect(incidentsOf({ ...base, chainDownAt: [50 * M] })).toEqual([
      { kind: "chain_down", from: 50 * M, to: 51 * M, detail: "every upstream failed its probe" },
    ]);
  });

  test("a disabling ends at the next enabling of the same upstream; newest first", () => {
    const found = incidentsOf({
      ...base,
      disabled: [
        { at: 5 * M, upstreamId: "ups_a", detail: "disabled by an operator" },
        { at: 30 * M, upstreamId: "ups_b", detail: "disabled by the probe job" },
      ],
      enabled: [
        { at: 3 * M, upstreamId: "ups_a" },
        { at: 8 * M, upstreamId: "ups_b" },
        { at: 9 * M, upstreamId: "ups_a" },
      ],
    });
    expect(found.map((i) => [i.kind, i.upstream, i.from / M, i.to === null ? null : i.to / M])).toEqual([
      ["upstream_disabled", "an upstream", 30, null],
      ["upstream_disabled", "Provider A", 5, 9],
    ]);
  });
});

const opens = (upstream: string, ...minutes: number[]) => minutes.map((m) => ({ upstream, at: m * M }));

describe("circuit openings", () => {
  test.each([
    {
      name: "one opening is an incident from it to the end of its cool-down",
      circuitOpens: opens("ups_a", 10),
      expected: [["Provider A", 10 * M, 10 * M + 5_000, 1]],
    },
    {
      name: "openings of several isolates around the same time are one incident, counted",
      circuitOpens: [...opens("ups_a", 10, 10.01, 10.02), { upstream: "ups_a", at: 10 * M + 1 }],
      expected: [["Provider A", 10 * M, 10.02 * M + 5_000, 4]],
    },
    {
      name: "openings up to 5 minutes apart chain into one incident, out of order",
      circuitOpens: opens("ups_a", 19, 10, 14),
      expected: [["Provider A", 10 * M, 19 * M + 5_000, 3]],
    },
    {
      name: "openings more than 5 minutes apart are two incidents, newest first",
      circuitOpens: opens("ups_a", 10, 16),
      expected: [
        ["Provider A", 16 * M, 16 * M + 5_000, 1],
        ["Provider A", 10 * M, 10 * M + 5_000, 1],
      ],
    },
    {
      name: "each upstream has its own incidents; one not public is 'an upstream'",
      circuitOpens: [...opens("ups_a", 10), ...opens("ups_b", 10.5)],
      expected: [
        ["an upstream", 10.5 * M, 10.5 * M + 5_000, 1],
        ["Provider A", 10 * M, 10 * M + 5_000, 1],
      ],
    },
    {
      name: "an opening whose cool-down is not over yet still lasts",
      circuitOpens: [...opens("ups_a", 98), { upstream: "ups_a", at: 100 * M - 1_000 }],
      expected: [["Provider A", 98 * M, null, 2]],
    },
  ])("$name", ({ circuitOpens, expected }) => {
    const found = incidentsOf({ ...base, circuitOpens });
    expect(found.every((i) => i.kind === "circuit_open")).toBe(true);
    expect(
      found.map((i) => [i.upstream, i.from, i.to, Number(/opened (\d+) times/.exec(i.detail)?.[1] ?? 1)]),
    ).toEqual(expected);
  });

  test("says how many times it opened and that calls were stopped for the cool-down", () => {
    expect(incidentsOf({ ...base, circuitOpens: opens("ups_a", 10) })[0]?.detail).toBe(
      "the circuit breaker opened: calls to it were stopped for 5 s",
    );
    expect(incidentsOf({ ...base, circuitOpens: opens("ups_a", 10, 11, 12) })[0]?.detail).toBe(
      "the circuit breaker opened 3 times: calls to it were stopped for 5 s each time",
    );
  });

  test("sit among the other kinds, newest first", () => {
    const found = incidentsOf({
      ...base,
      failed: failed("ups_a", 20, 21),
      circuitOpens: opens("ups_a", 20.5),
    });
    expect(found.map((i) => i.kind)).toEqual(["circuit_open", "upstream_down"]);
  });
});
