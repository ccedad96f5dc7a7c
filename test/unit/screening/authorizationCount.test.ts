import { concatHex, type Hex, parseTransaction, toRlp } from "viem";
import { describe, expect, test } from "vitest";
import { authorizationCount } from "../../../shared/screening/authorizationCount";
import { decodeSubmission } from "../../../shared/screening/decodeSubmission";
import { BOGUS, base, sender, TO } from "./txFixtures";

const errorOf = (decoded: ReturnType<typeof decodeSubmission>) =>
  "error" in decoded ? decoded.error.toJsonRpc() : undefined;

const delegating = (authorizations: number, extra: Record<string, unknown> = {}) =>
  sender.signTransaction({
    ...base,
    type: "eip7702",
    to: TO,
    authorizationList: Array(authorizations).fill(BOGUS),
    ...extra,
  } as Parameters<typeof sender.signTransaction>[0]);

describe("authorizationCount: read from the RLP headers alone", () => {
  test.each([0, 1, 32, 33, 300])("a type-4 transaction with %i authorizations", async (n) => {
    const raw = await delegating(n);
    expect(authorizationCount(raw)).toBe(n);
    expect(parseTransaction(raw).authorizationList ?? []).toHaveLength(n);
  });

  test("long fields before the list (calldata, an access list) are skipped by their headers", async () => {
    const raw = await delegating(2, {
      data: `0x${"ab".repeat(70_000)}`,
      accessList: [{ address: TO, storageKeys: Array(60).fill(`0x${"01".repeat(32)}`) }],
    });
    expect(authorizationCount(raw)).toBe(2);
  });

  test("other types, and headers that do not read, are left to the parser", async () => {
    const raw = await delegating(3);
    expect(authorizationCount(await sender.signTransaction({ ...base, to: TO, value: 1n }))).toBeUndefined();
    expect(authorizationCount(raw.slice(0, -2))).toBeUndefined();
    expect(authorizationCount(`${raw}00`)).toBeUndefined();
    expect(authorizationCount("0x04")).toBeUndefined();
    expect(authorizationCount("0x04f9ffffff")).toBeUndefined();
  });

  test("a list over the cap is refused before the transaction is parsed: an unsigned one gets the cap, not 'not signed'", () => {
    const tuple = ["0x01", TO, "0x", "0x", "0x01", "0x01"] as Hex[];
    // The ten fields up to the authorization list, and no signature.
    const unsigned = (n: number) =>
      concatHex([
        "0x04",
        toRlp(["0x01", "0x", "0x01", "0x01", "0x5208", TO, "0x", "0x", [], Array(n).fill(tuple)] as Hex[]),
      ]);
    expect(errorOf(decodeSubmission([unsigned(32)]))?.message).toBe(
      "the submitted transaction is not a signed transaction: the transaction is not signed",
    );
    const over = decodeSubmission([unsigned(33)]);
    expect(errorOf(over)).toEqual({
      code: -32602,
      message:
        "a transaction carries at most 32 EIP-7702 authorizations and this one carries 33: split them across transactions",
      data: { code: "invalid_params", max: 32 },
    });
    expect(over.signatures).toBe(34);
  });
});
