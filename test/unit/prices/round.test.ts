import { describe, expect, test } from "vitest";
import { decimalOf, judgeRound } from "../../../shared/prices/round";

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const secondsAgo = (s: number) => BigInt(Math.floor(NOW / 1000) - s);

describe("judgeRound", () => {
  test("a positive round within the heartbeat is served", () => {
    expect(judgeRound({ roundId: 7n, answer: 1n, updatedAt: secondsAgo(3600) }, 3600, NOW)).toEqual({
      ok: true,
    });
  });

  test("a round one second past the heartbeat is rejected, saying how old it is", () => {
    expect(judgeRound({ roundId: 7n, answer: 1n, updatedAt: secondsAgo(3601) }, 3600, NOW)).toEqual({
      ok: false,
      reason: "round 7 was updated 3601 s ago, over the feed's 3600 s heartbeat",
    });
  });

  test("zero and negative answers are rejected", () => {
    expect(judgeRound({ roundId: 1n, answer: 0n, updatedAt: secondsAgo(0) }, 60, NOW)).toEqual({
      ok: false,
      reason: "round 1 answer 0 is not positive",
    });
    expect(judgeRound({ roundId: 2n, answer: -1n, updatedAt: secondsAgo(0) }, 60, NOW).ok).toBe(false);
  });
});

describe("decimalOf", () => {
  test.each([
    [300012345678n, 8, "3000.12345678"],
    [320000000000n, 8, "3200"],
    [5n, 8, "0.00000005"],
    [123n, 0, "123"],
    [-150n, 2, "-1.5"],
    [10n ** 30n, 18, "1000000000000"],
  ])("%s with %i decimals is %s", (answer, decimals, text) => {
    expect(decimalOf(answer, decimals)).toBe(text);
  });
});
