/** The bench's count of sequential round trips before the upstream call (shared/bench/roundTrips.ts). */
import { describe, expect, test } from "vitest";
import { roundTripsOf } from "../../../shared/bench/roundTrips";

const call = (label: string, start: number, end: number) => ({ label, start, end });

describe("roundTripsOf", () => {
  test("calls one after another count each; parallel ones once", () => {
    const calls = [call("kv:key", 0, 8), call("kv:chain", 8, 16), call("do:METER.acquire", 8, 23)];
    expect(roundTripsOf(calls, [{ at: 23, probe: false }])).toEqual({
      count: 2,
      labels: ["kv:key", "do:METER.acquire"],
    });
  });

  test("calls that end after the upstream call starts do not count", () => {
    const calls = [call("kv:key+chain+health", 0, 8), call("do:METER.acquire", 8, 23)];
    expect(roundTripsOf(calls, [{ at: 9, probe: false }])).toEqual({
      count: 1,
      labels: ["kv:key+chain+health"],
    });
  });

  test("a probe answered before the call counts; one still running does not", () => {
    const calls = [call("kv:health", 0, 8)];
    const waited = [
      { at: 8, end: 33, probe: true },
      { at: 33, probe: false },
    ];
    expect(roundTripsOf(calls, waited).labels).toEqual(["kv:health", "upstream:probe"]);
    const background = [
      { at: 8, probe: true },
      { at: 8, probe: false },
    ];
    expect(roundTripsOf(calls, background).labels).toEqual(["kv:health"]);
  });

  test("no binding call: zero", () => {
    expect(roundTripsOf([], [{ at: 0, probe: false }])).toEqual({ count: 0, labels: [] });
  });
});
