// The shrink rule: which new sanctions sets wait for an admin, and what the job says about them.
import { describe, expect, test } from "vitest";
import { checkShrink, percent } from "../../../workers/cron/src/sanctions/shrink";

describe("checkShrink", () => {
  test.each([
    // currentSize, removed, maxShrink, held, share
    [0, 0, 0.1, false, 0],
    [10, 0, 0.1, false, 0],
    [10, 1, 0.1, false, 0.1],
    [70, 7, 0.1, false, 0.1],
    [100, 11, 0.1, true, 0.11],
    [10, 5, 0.1, true, 0.5],
    [4, 1, 0.1, true, 0.25],
    [10, 10, 0.1, true, 1],
    [10, 1, 0, true, 0.1],
    [10, 10, 1, false, 1],
    [20, 1, 0.1, false, 0.05],
  ])("%i addresses, %i removed, limit %d: held %s", (size, removed, max, held, share) => {
    const check = checkShrink(size, removed, max);
    expect(check.held).toBe(held);
    expect(check.share).toBeCloseTo(share, 12);
    expect(check.reason !== undefined).toBe(held);
  });

  test("says how much it removes and the limit", () => {
    expect(checkShrink(4, 1, 0.1).reason).toBe("removes 25% of addresses, over the 10% limit");
    expect(checkShrink(3, 1, 0.05).reason).toBe("removes 33.33% of addresses, over the 5% limit");
  });
});

test.each([
  [0, "0%"],
  [0.1, "10%"],
  [0.5, "50%"],
  [1 / 3, "33.33%"],
  [0.1004, "10.04%"],
  [1, "100%"],
])("percent(%d) is %s", (share, text) => {
  expect(percent(share)).toBe(text);
});
