/**
 * Failure share over a sliding window of one-second buckets, driven with explicit timestamps. The
 * failures here are the gateway's own (probes), which every caller sees; whose failures count for
 * whom: circuitRule.test.ts.
 */
import { describe, expect, test } from "vitest";
import { GATEWAY } from "../../../shared/routing/confirmation";
import { ErrorWindow } from "../../../shared/routing/errorWindow";

function record(window: ErrorWindow, at: number, ok: number, failed: number): void {
  for (let i = 0; i < ok; i++) window.record(false, at, GATEWAY);
  for (let i = 0; i < failed; i++) window.record(true, at, GATEWAY);
}

describe("ErrorWindow", () => {
  test("an empty window has no calls and a rate of 0", () => {
    const window = new ErrorWindow();
    expect(window.counts(0)).toEqual({ calls: 0, failed: 0 });
    expect(window.rate(0, "tenant-b")).toBe(0);
    expect(window.rate(1_000_000, "tenant-b")).toBe(0);
  });

  test.each<{ ok: number; failed: number; rate: number }>([
    { ok: 3, failed: 1, rate: 0.25 },
    { ok: 0, failed: 4, rate: 1 },
    { ok: 4, failed: 0, rate: 0 },
    { ok: 1, failed: 1, rate: 0.5 },
  ])("$failed failed of $ok ok gives a rate of $rate", ({ ok, failed, rate }) => {
    const window = new ErrorWindow();
    record(window, 500, ok, failed);
    expect(window.counts(500)).toEqual({ calls: ok + failed, failed });
    expect(window.rate(500, "tenant-b")).toBe(rate);
  });

  test("counts calls across every bucket of the window", () => {
    const window = new ErrorWindow();
    record(window, 0, 1, 0);
    record(window, 10_000, 1, 1);
    record(window, 29_999, 0, 1);
    expect(window.counts(29_999)).toEqual({ calls: 4, failed: 2 });
    expect(window.rate(29_999, "tenant-b")).toBe(0.5);
  });

  test("a bucket expires once the window has moved past it", () => {
    const window = new ErrorWindow();
    record(window, 500, 0, 2);
    expect(window.counts(29_999)).toEqual({ calls: 2, failed: 2 });
    expect(window.counts(30_000)).toEqual({ calls: 0, failed: 0 });
    expect(window.rate(30_000, "tenant-b")).toBe(0);
  });

  test("old failures expire while recent successes stay", () => {
    const window = new ErrorWindow();
    record(window, 0, 0, 3);
    record(window, 1_000, 0, 1);
    record(window, 20_000, 4, 0);
    expect(window.rate(20_000, "tenant-b")).toBe(0.5);
    expect(window.counts(30_000)).toEqual({ calls: 5, failed: 1 });
    expect(window.rate(30_000, "tenant-b")).toBe(0.2);
    expect(window.rate(31_000, "tenant-b")).toBe(0);
  });

  test("a bucket reused a window later starts from zero", () => {
    const window = new ErrorWindow();
    record(window, 0, 0, 5);
    record(window, 30_000, 1, 0); // same slot, one window later
    expect(window.counts(30_000)).toEqual({ calls: 1, failed: 0 });
  });

  test("a call recorded late, at its own earlier time, counts while within the window", () => {
    const window = new ErrorWindow();
    record(window, 20_000, 1, 0);
    record(window, 5_000, 0, 1);
    expect(window.counts(20_000)).toEqual({ calls: 2, failed: 1 });
    expect(window.counts(35_000)).toEqual({ calls: 1, failed: 0 });
  });

  test("a call recorded a window older than what its slot holds is not counted and does not wipe the slot", () => {
    const window = new ErrorWindow();
    record(window, 30_500, 2, 0);
    record(window, 500, 0, 1); // same slot, one window earlier
    expect(window.counts(30_500)).toEqual({ calls: 2, failed: 0 });
  });

  test("calls recorded after `now` are not counted", () => {
    const window = new ErrorWindow();
    record(window, 10_000, 0, 1);
    expect(window.counts(9_999)).toEqual({ calls: 0, failed: 0 });
    expect(window.counts(10_000)).toEqual({ calls: 1, failed: 1 });
  });

  test("honours a custom window length", () => {
    const window = new ErrorWindow(5_000);
    record(window, 0, 1, 1);
    expect(window.counts(4_999)).toEqual({ calls: 2, failed: 1 });
    expect(window.counts(5_000)).toEqual({ calls: 0, failed: 0 });
  });

  test("rounds a window that is not a whole number of seconds up", () => {
    const window = new ErrorWindow(2_500);
    record(window, 0, 0, 1);
    expect(window.counts(2_999)).toEqual({ calls: 1, failed: 1 });
    expect(window.counts(3_000)).toEqual({ calls: 0, failed: 0 });
  });
});
