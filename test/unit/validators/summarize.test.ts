import { describe, expect, test } from "vitest";
import type { Validator } from "../../../shared/validators/parse";
import { summarizeValidators } from "../../../shared/validators/summarize";

const validator = (over: Partial<Validator>): Validator => ({
  nodeID: "NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg",
  stake: "0",
  delegated: "0",
  delegatorCount: 0,
  delegationFee: 2,
  uptime: 99,
  connected: true,
  endTime: "2027-01-01T00:00:00.000Z",
  ...over,
});

describe("summarizeValidators", () => {
  test("sums stake and delegation exactly, past 2^53", () => {
    const summary = summarizeValidators([
      validator({ stake: "9007199254740993", delegated: "1" }),
      validator({ stake: "3000000000000000000", delegated: "9007199254740993" }),
      validator({ stake: "7", delegated: "0" }),
    ]);
    expect(summary).toEqual({
      count: 3,
      connected: 3,
      totalStake: "3009007199254741000",
      totalDelegated: "9007199254740994",
    });
  });

  test("counts as connected only the validators the node says it is connected to", () => {
    const summary = summarizeValidators([
      validator({ connected: true }),
      validator({ connected: false }),
      validator({ connected: null }),
    ]);
    expect(summary.connected).toBe(1);
    expect(summary.count).toBe(3);
  });

  test("an empty set is zero everywhere", () => {
    expect(summarizeValidators([])).toEqual({ count: 0, connected: 0, totalStake: "0", totalDelegated: "0" });
  });
});
