import { describe, expect, test } from "vitest";
import { NO_LEASE } from "../../../shared/metering/lease";
import {
  bindingLimits,
  type KeyLimits,
  keyCapLimits,
  limitError,
  rateLimitHeaders,
  sameLimits,
} from "../../../shared/metering/limits";

const LIMITS: KeyLimits = {
  cuPerSecond: 100,
  burstCu: 300,
  monthlyCu: 1_000_000,
  keyCuPerSecond: null,
  onMeterDown: "closed",
};

describe("which buckets bind a key", () => {
  test.each<[string, number | null, ReturnType<typeof keyCapLimits>]>([
    ["no cap", null, undefined],
    ["a cap at or above the plan's rate means nothing", 100, undefined],
    ["a cap below: one second of it", 40, { ratePerSecond: 40, burst: 40 }],
  ])("%s", (_name, keyCuPerSecond, expected) => {
    expect(keyCapLimits({ ...LIMITS, keyCuPerSecond })).toEqual(expected);
  });

  test("a capped key is bound by its cap, others by the plan", () => {
    expect(bindingLimits(LIMITS)).toEqual({ ratePerSecond: 100, burst: 300 });
    expect(bindingLimits({ ...LIMITS, keyCuPerSecond: 40 })).toEqual({ ratePerSecond: 40, burst: 40 });
  });
});

describe("sameLimits", () => {
  test("limits read again into a new object are the same; any changed field is not", () => {
    const token = { id: "jwt:a", cuPerSecond: 5 };
    expect(sameLimits(LIMITS, { ...LIMITS })).toBe(true);
    expect(sameLimits({ ...LIMITS, tokenCap: token }, { ...LIMITS, tokenCap: { ...token } })).toBe(true);
    expect(sameLimits(LIMITS, { ...LIMITS, monthlyCu: 2_000_000 })).toBe(false);
    expect(sameLimits(LIMITS, { ...LIMITS, keyCuPerSecond: 40 })).toBe(false);
    expect(sameLimits(LIMITS, { ...LIMITS, onMeterDown: "open" })).toBe(false);
    expect(
      sameLimits({ ...LIMITS, tokenCap: token }, { ...LIMITS, tokenCap: { ...token, id: "jwt:b" } }),
    ).toBe(false);
  });
});

describe("rateLimitHeaders", () => {
  test("before any lease: the full burst, nothing to wait for", () => {
    expect(rateLimitHeaders(LIMITS, NO_LEASE, 0)).toEqual({
      "x-ratelimit-limit": "100",
      "x-ratelimit-remaining": "300",
      "x-ratelimit-reset": "0",
    });
  });

  test("the lease in hand plus the bucket as last seen, refilled since; reset when it is full", () => {
    const lease = { ...NO_LEASE, remaining: 25, bucketSeen: { tokens: 50, at: 1_000 } };
    // 500 ms later the bucket holds 100; 200 more take 2 s.
    expect(rateLimitHeaders(LIMITS, lease, 1_500)).toEqual({
      "x-ratelimit-limit": "100",
      "x-ratelimit-remaining": "125",
      "x-ratelimit-reset": "2",
    });
  });

  test("while refused: nothing remains, reset when the refusal ends", () => {
    const lease = { ...NO_LEASE, refusedUntil: 2_200, bucketSeen: { tokens: 0, at: 1_000 } };
    expect(rateLimitHeaders(LIMITS, lease, 1_000)).toMatchObject({
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": "2",
    });
  });

  test("a bucket in debt shows nothing remaining", () => {
    const lease = { ...NO_LEASE, bucketSeen: { tokens: -500, at: 0 } };
    expect(rateLimitHeaders(LIMITS, lease, 0)["x-ratelimit-remaining"]).toBe("0");
  });
});

describe("limitError", () => {
  test("the rate: -32005, HTTP 429, which limit and when to retry", () => {
    const error = limitError("rate", LIMITS, 1_400, 1_000);
    expect(error.httpStatus).toBe(429);
    expect(error.toJsonRpc()).toEqual({
      code: -32005,
      message: "rate limit exceeded: this plan allows 100 CU per second; retry in 1 s",
      data: { code: "limit_exceeded", limit: "rate", cuPerSecond: 100, retryAfter: 1 },
    });
  });

  test("a key's cap names the key", () => {
    const error = limitError("key_rate", { ...LIMITS, keyCuPerSecond: 40 }, 3_500, 1_000);
    expect(error.toJsonRpc()).toMatchObject({
      message: "rate limit exceeded: this key is capped at 40 CU per second; retry in 3 s",
      data: { limit: "key_rate", cuPerSecond: 40, retryAfter: 3 },
    });
  });

  test("the month: its own data.code, and when it renews", () => {
    const renews = Date.UTC(2026, 11, 1);
    const error = limitError("quota", LIMITS, renews, renews - 90_000);
    expect(error.toJsonRpc()).toEqual({
      code: -32005,
      message:
        "monthly quota exhausted: this plan allows 1000000 CU per month, and it renews at 2026-12-01T00:00:00.000Z",
      data: {
        code: "quota_exceeded",
        limit: "monthly_quota",
        monthlyCu: 1_000_000,
        renewsAt: "2026-12-01T00:00:00.000Z",
        retryAfter: 90,
      },
    });
  });
});
