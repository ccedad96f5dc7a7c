import { describe, expect, test } from "vitest";
import { parseValidators } from "../../../shared/validators/parse";

const owner = { locktime: "0", threshold: "1", addresses: ["P-avax18jma8ppw3nhx5r4ap8clazz0dps7rv5ukulre5"] };

/** The example response of platform.getCurrentValidators in Avalanche's P-Chain API documentation. */
const documented = {
  txID: "2NNkpYTGfTFLSGXJcHtVv6drwVU2cczhmjK2uhvwDyxwsjzZMm",
  startTime: "1600368632",
  endTime: "1602960455",
  stakeAmount: "2000000000000",
  nodeID: "NodeID-5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD",
  validationRewardOwner: owner,
  delegationRewardOwner: owner,
  potentialReward: "117431493426",
  delegationFee: "10.0000",
  uptime: "0.0000",
  connected: false,
  delegatorCount: "1",
  delegatorWeight: "25000000000",
  delegators: [
    {
      txID: "Bbai8nzGVcyn2VmeYcbS74zfjJLjDacGNVuzuvAQkHn1uWfoV",
      startTime: "1600368523",
      endTime: "1602960342",
      stakeAmount: "25000000000",
      nodeID: "NodeID-5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD",
      rewardOwner: owner,
      potentialReward: "11743144774",
    },
  ],
};

/** As a current AvalancheGo lists a primary network validator: weight, a signer, no delegator list. */
const current = {
  txID: "2Eug3Y6j1yD745y5bQ9bFCf5nvU2qT1eB53GSpD15EkGUfu8xh",
  startTime: "1767225600",
  endTime: "1798761600",
  weight: "2500000000000000",
  nodeID: "NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg",
  stakeAmount: "2500000000000000",
  validationRewardOwner: owner,
  delegationRewardOwner: owner,
  potentialReward: "117431493426000",
  accruedDelegateeReward: "0",
  delegationFee: "2.0000",
  uptime: "99.8700",
  connected: true,
  signer: { publicKey: "0x8f95", proofOfPossession: "0x86a3" },
  delegatorCount: "2",
  delegatorWeight: "120000000000000",
};

describe("parseValidators", () => {
  test("reads the documentation's example entry", () => {
    expect(parseValidators({ validators: [documented] })).toEqual({
      ok: true,
      dropped: 0,
      validators: [
        {
          nodeID: "NodeID-5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD",
          stake: "2000000000000",
          delegated: "25000000000",
          delegatorCount: 1,
          delegationFee: 10,
          uptime: 0,
          connected: false,
          endTime: "2020-10-17T18:47:35.000Z",
        },
      ],
    });
  });

  test("a current node's entry: stake from weight, delegation from delegatorWeight without a list", () => {
    const result = parseValidators({ validators: [{ ...current, stakeAmount: "1" }] });
    expect(result).toMatchObject({
      ok: true,
      validators: [
        {
          stake: "2500000000000000",
          delegated: "120000000000000",
          delegatorCount: 2,
          delegationFee: 2,
          uptime: 99.87,
          connected: true,
          endTime: "2027-01-01T00:00:00.000Z",
        },
      ],
    });
  });

  test("without delegator totals, the listed delegators are counted and summed", () => {
    const { delegatorCount: _c, delegatorWeight: _w, ...older } = documented;
    const delegators = [
      { ...documented.delegators[0], stakeAmount: "9007199254740993" },
      { ...documented.delegators[0], stakeAmount: undefined, weight: "7" },
    ];
    const result = parseValidators({ validators: [{ ...older, delegators }] });
    expect(result).toMatchObject({
      ok: true,
      validators: [{ delegated: "9007199254741000", delegatorCount: 2 }],
    });
  });

  test("no delegators at all (omitted or null) is zero delegated", () => {
    const { delegatorCount: _c, delegatorWeight: _w, delegators: _d, ...bare } = documented;
    const result = parseValidators({ validators: [bare, { ...bare, delegators: null }] });
    expect(result).toMatchObject({
      ok: true,
      validators: [
        { delegated: "0", delegatorCount: 0 },
        { delegated: "0", delegatorCount: 0 },
      ],
    });
  });

  test("fee, uptime and connected that the node leaves out are null", () => {
    const { delegationFee: _f, uptime: _u, connected: _c, ...subnet } = current;
    const result = parseValidators({ validators: [subnet] });
    expect(result).toMatchObject({
      ok: true,
      validators: [{ delegationFee: null, uptime: null, connected: null }],
    });
  });

  test("entries that do not read are dropped and counted; the rest are kept", () => {
    const bad = [
      null,
      "NodeID-5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD",
      { ...current, nodeID: "5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD" },
      { ...current, weight: "2.5e15", stakeAmount: undefined },
      { ...current, weight: undefined, stakeAmount: undefined },
      { ...current, uptime: "NaN" },
      { ...current, uptime: "120.0000" },
      { ...current, endTime: "99999999999999999999" },
      { ...documented, delegatorWeight: undefined, delegators: [{ txID: "x" }] },
    ];
    const result = parseValidators({ validators: [documented, ...bad, current] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.dropped).toBe(bad.length);
    expect(result.validators.map((v) => v.nodeID)).toEqual([documented.nodeID, current.nodeID]);
    expect(result.firstProblem).toBe("validators[1]: Invalid input: expected object, received null");
  });

  test("an answer without a validators list is refused whole", () => {
    for (const result of [null, {}, { validators: "none" }, [documented]]) {
      expect(parseValidators(result)).toEqual({ ok: false, reason: "the answer has no validators list" });
    }
  });

  test("an empty list reads as no validators", () => {
    expect(parseValidators({ validators: [] })).toEqual({ ok: true, validators: [], dropped: 0 });
  });
});
