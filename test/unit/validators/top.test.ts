import { describe, expect, test } from "vitest";
import type { Validator } from "../../../shared/validators/parse";
import { topValidators } from "../../../shared/validators/top";

const validator = (nodeID: string, stake: string, uptime: number | null): Validator => ({
  nodeID,
  stake,
  delegated: "0",
  delegatorCount: 0,
  delegationFee: 2,
  uptime,
  connected: true,
  endTime: "2027-01-01T00:00:00.000Z",
});

const set = [
  validator("NodeID-A", "2000000000000", 100),
  validator("NodeID-B", "9007199254740993", 97.5),
  validator("NodeID-C", "9007199254740992", null),
  validator("NodeID-D", "150000000000000", 99.87),
  validator("NodeID-E", "150000000000000", 100),
];
const ids = (list: Validator[]) => list.map((v) => v.nodeID);

describe("topValidators", () => {
  test("by stake: largest own stake first, compared exactly past 2^53; ties by node id", () => {
    expect(ids(topValidators(set, "stake", 10))).toEqual([
      "NodeID-B",
      "NodeID-C",
      "NodeID-D",
      "NodeID-E",
      "NodeID-A",
    ]);
  });

  test("by uptime: highest first, ties to the larger stake, unknown uptime last", () => {
    expect(ids(topValidators(set, "uptime", 10))).toEqual([
      "NodeID-E",
      "NodeID-A",
      "NodeID-D",
      "NodeID-B",
      "NodeID-C",
    ]);
  });

  test("returns at most the limit, and leaves the input as it was", () => {
    const before = ids(set);
    expect(ids(topValidators(set, "stake", 2))).toEqual(["NodeID-B", "NodeID-C"]);
    expect(topValidators(set, "uptime", 0)).toEqual([]);
    expect(ids(set)).toEqual(before);
  });
});
