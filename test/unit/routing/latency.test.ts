/** Recent latency of one upstream: EWMA and p90 over the last 32 samples. */
import { describe, expect, test } from "vitest";
import { LatencyStats } from "../../../shared/routing/latency";

function statsOf(samples: number[]): LatencyStats {
  const stats = new LatencyStats();
  for (const ms of samples) stats.record(ms);
  return stats;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("LatencyStats", () => {
  test("knows nothing before the first sample", () => {
    const stats = new LatencyStats();
    expect(stats.count).toBe(0);
    expect(stats.ewma).toBeUndefined();
    expect(stats.p90).toBeUndefined();
  });

  test("the first sample is both the EWMA and the p90", () => {
    const stats = statsOf([250]);
    expect(stats.count).toBe(1);
    expect(stats.ewma).toBe(250);
    expect(stats.p90).toBe(250);
  });

  test.each<{ samples: number[]; ewma: number }>([
    { samples: [100, 200], ewma: 120 },
    { samples: [100, 200, 200], ewma: 136 },
    { samples: [100, 200, 200, 0], ewma: 108.8 },
    { samples: [100, 100, 100], ewma: 100 },
    { samples: [1_000, 0], ewma: 800 },
  ])("the EWMA of $samples moves 20% towards each new sample: $ewma", ({ samples, ewma }) => {
    expect(statsOf(samples).ewma).toBeCloseTo(ewma, 9);
  });

  test.each<{ name: string; samples: number[]; p90: number }>([
    { name: "two samples: the higher", samples: [10, 1_000], p90: 1_000 },
    { name: "32 samples 1..32: the 29th", samples: range(1, 32), p90: 29 },
    { name: "32 samples in any order", samples: range(1, 32).reverse(), p90: 29 },
    {
      name: "3 slow outliers in 32 do not move it",
      samples: [...range(1, 29), 5_000, 6_000, 7_000],
      p90: 29,
    },
    { name: "4 slow outliers in 32 do", samples: [...range(1, 28), 5_000, 6_000, 7_000, 8_000], p90: 5_000 },
  ])("p90 of $name", ({ samples, p90 }) => {
    expect(statsOf(samples).p90).toBe(p90);
  });

  // Nearest rank: the ceil(0.9 n)-th smallest sample, i.e. sorted[ceil(0.9 n) - 1].
  test.each<{ samples: number[]; p90: number }>([
    { samples: range(1, 3), p90: 3 }, // ceil(2.7) = 3
    { samples: range(1, 5), p90: 5 }, // ceil(4.5) = 5
    { samples: range(1, 9), p90: 9 }, // ceil(8.1) = 9
    { samples: range(1, 10), p90: 9 }, // ceil(9) = 9: not the maximum
    { samples: range(1, 11), p90: 10 }, // ceil(9.9) = 10
    { samples: range(1, 20), p90: 18 }, // ceil(18) = 18
    { samples: range(1, 21), p90: 19 }, // ceil(18.9) = 19
    { samples: range(1, 30), p90: 27 }, // ceil(27) = 27
    { samples: range(1, 31), p90: 28 }, // ceil(27.9) = 28
  ])("p90 of 1..$samples.length is the nearest rank: $p90", ({ samples, p90 }) => {
    expect(statsOf(samples).p90).toBe(p90);
  });

  test("p90 of every window size from 1 to 32 is sorted[ceil(0.9 n) - 1]", () => {
    for (let n = 1; n <= 32; n++) {
      expect(statsOf(range(1, n).reverse()).p90, `n = ${n}`).toBe(Math.ceil(n * 0.9));
    }
  });

  test.each<{ name: string; samples: number[]; p90: number }>([
    { name: "one slow outlier in 10 does not set it", samples: [...range(1, 9), 1_000], p90: 9 },
    { name: "two slow outliers in 10 do", samples: [...range(1, 8), 1_000, 2_000], p90: 1_000 },
    { name: "one slow outlier in 20 does not", samples: [...range(1, 19), 1_000], p90: 18 },
    { name: "two slow outliers in 20 do not", samples: [...range(1, 18), 1_000, 2_000], p90: 18 },
    { name: "three slow outliers in 20 do", samples: [...range(1, 17), 1_000, 2_000, 3_000], p90: 1_000 },
  ])("p90 with outliers: $name", ({ samples, p90 }) => {
    expect(statsOf(samples).p90).toBe(p90);
  });

  test("p90 and count cover only the last 32 samples", () => {
    const stats = statsOf(range(1, 100)); // keeps 69..100
    expect(stats.count).toBe(32);
    expect(stats.p90).toBe(97);
  });

  test("older samples roll off the p90 window one by one", () => {
    const stats = statsOf(Array(32).fill(1_000));
    for (let i = 0; i < 28; i++) stats.record(10);
    expect(stats.p90).toBe(1_000); // 28 fast, 4 slow left
    stats.record(10);
    expect(stats.p90).toBe(10); // 29 fast, 3 slow left
    expect(stats.count).toBe(32);
  });

  test("p90 follows new samples after being read", () => {
    const stats = statsOf([10]);
    expect(stats.p90).toBe(10);
    stats.record(1_000);
    expect(stats.p90).toBe(1_000);
  });

  test("the EWMA keeps the whole history while p90 forgets it", () => {
    const stats = statsOf([...Array(32).fill(10_000), ...Array(32).fill(100)]);
    expect(stats.p90).toBe(100);
    expect(stats.ewma).toBeCloseTo(100 + 9_900 * 0.8 ** 32, 6);
    expect(stats.ewma).toBeGreaterThan(100.7);
  });
});
