import { describe, expect, test } from "vitest";
import { type BucketLimits, fullBucket, readyAt, refill, take } from "../../../shared/metering/tokenBucket";

const LIMITS: BucketLimits = { ratePerSecond: 100, burst: 300 };

describe("refill", () => {
  test.each([
    ["no time passed", { tokens: 50, at: 1_000 }, 1_000, 50],
    ["half a second adds half the rate", { tokens: 50, at: 1_000 }, 1_500, 100],
    ["ten milliseconds add one CU at 100 CU/s", { tokens: 0, at: 0 }, 10, 1],
    ["never above burst", { tokens: 250, at: 0 }, 10_000, 300],
    ["a full bucket stays full", { tokens: 300, at: 0 }, 5_000, 300],
    ["a clock that went backwards adds nothing", { tokens: 50, at: 2_000 }, 1_000, 50],
  ])("%s", (_name, bucket, now, tokens) => {
    expect(refill(bucket, LIMITS, now).tokens).toBeCloseTo(tokens, 9);
  });

  test("the time moves forward with the refill, not backwards with a skewed clock", () => {
    expect(refill({ tokens: 0, at: 1_000 }, LIMITS, 1_500).at).toBe(1_500);
    expect(refill({ tokens: 0, at: 2_000 }, LIMITS, 1_500).at).toBe(2_000);
  });

  test("a new tenant starts with a full burst", () => {
    expect(fullBucket(LIMITS, 7)).toEqual({ tokens: 300, at: 7 });
  });
});

describe("take", () => {
  test("takes the cost when the bucket holds it", () => {
    const result = take({ tokens: 100, at: 0 }, LIMITS, 26, 0);
    expect(result).toEqual({ ok: true, bucket: { tokens: 74, at: 0 } });
  });

  test("takes exactly down to zero", () => {
    expect(take({ tokens: 26, at: 0 }, LIMITS, 26, 0)).toEqual({ ok: true, bucket: { tokens: 0, at: 0 } });
  });

  test("refuses without changing the tokens, and says when the cost will be there", () => {
    const result = take({ tokens: 10, at: 0 }, LIMITS, 30, 0);
    expect(result).toEqual({ ok: false, bucket: { tokens: 10, at: 0 }, retryAt: 200 });
  });

  test("counts the refill since the last update before deciding", () => {
    // 10 CU plus 200 ms at 100 CU/s = 30 CU.
    expect(take({ tokens: 10, at: 0 }, LIMITS, 30, 200).ok).toBe(true);
    expect(take({ tokens: 10, at: 0 }, LIMITS, 30, 199).ok).toBe(false);
  });

  test("a cost above the burst can never be taken", () => {
    const result = take(fullBucket(LIMITS, 0), LIMITS, 301, 0);
    expect(result).toMatchObject({ ok: false, retryAt: Number.POSITIVE_INFINITY });
  });

  test("a skewed clock neither refills nor blocks a take the tokens cover", () => {
    expect(take({ tokens: 50, at: 5_000 }, LIMITS, 40, 1_000)).toEqual({
      ok: true,
      bucket: { tokens: 10, at: 5_000 },
    });
  });

  test("admits rate x time + burst over a long run, and no more", () => {
    // One client asking every millisecond for 10 s at twice the rate it is allowed.
    let bucket = fullBucket(LIMITS, 0);
    let admitted = 0;
    for (let now = 0; now <= 10_000; now++) {
      const result = take(bucket, LIMITS, 0.2, now);
      bucket = result.bucket;
      if (result.ok) admitted += 0.2;
    }
    expect(admitted).toBeCloseTo(300 + 100 * 10, 0);
  });
});

describe("readyAt", () => {
  test.each([
    ["already there", { tokens: 50, at: 100 }, 20, 100],
    ["40 CU short at 100 CU/s is 400 ms", { tokens: 10, at: 100 }, 50, 500],
    ["a fraction of a millisecond rounds up", { tokens: 0, at: 0 }, 0.05, 1],
  ])("%s", (_name, bucket, cost, at) => {
    expect(readyAt(bucket, LIMITS, cost)).toBe(at);
  });

  test("never, for a bucket that does not refill", () => {
    expect(readyAt({ tokens: 0, at: 0 }, { ratePerSecond: 0, burst: 10 }, 5)).toBe(Number.POSITIVE_INFINITY);
  });
});
