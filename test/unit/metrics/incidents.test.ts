// A chain's incidents from its probe history and audit rows, as a table: runs of failed probes, the
// whole chain down, disabling paired with enabling, names only when public, newest first.
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
