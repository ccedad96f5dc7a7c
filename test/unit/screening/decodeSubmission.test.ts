import { serializeTransaction } from "viem";
import { describe, expect, test } from "vitest";
import {
  decodeSubmission,
  MAX_AUTHORIZATIONS,
  MAX_SUBMITTED_TRANSACTIONS,
} from "../../../shared/screening/decodeSubmission";
import { BOGUS, base, sender, TO } from "./txFixtures";

const plain = (nonce = 0) => sender.signTransaction({ ...base, nonce, to: TO, value: 1n });
const delegating = (authorizations: number) =>
  sender.signTransaction({
    ...base,
    type: "eip7702",
    to: TO,
    authorizationList: Array(authorizations).fill(BOGUS),
  });
const errorOf = (decoded: ReturnType<typeof decodeSubmission>) =>
  "error" in decoded ? decoded.error.toJsonRpc() : undefined;

describe("decodeSubmission: the caps, before any signature is recovered", () => {
  test("the caps are 100 transactions a call and 32 authorizations a transaction", () => {
    expect([MAX_SUBMITTED_TRANSACTIONS, MAX_AUTHORIZATIONS]).toEqual([100, 32]);
  });

  test("101 entries are refused with the cap, whatever they hold; 100 are decoded", async () => {
    expect(errorOf(decodeSubmission(Array(101).fill("not even hex")))).toEqual({
      code: -32602,
      message:
        "a call submits at most 100 transactions and this one submits 101: send the bundle in parts of at most 100",
      data: { code: "invalid_params", max: 100 },
    });
    const raw = await plain();
    expect(decodeSubmission(Array(100).fill(raw))).toMatchObject({ signatures: 100 });
  });

  test("33 authorizations are refused with the cap, though none would recover; 32 are decoded", async () => {
    expect(errorOf(decodeSubmission([await delegating(33)]))).toEqual({
      code: -32602,
      message:
        "a transaction carries at most 32 EIP-7702 authorizations and this one carries 33: split them across transactions",
      data: { code: "invalid_params", max: 32 },
    });
    expect(errorOf(decodeSubmission([await plain(), await delegating(33)]))?.message).toContain(
      "and the transaction at index 1 carries 33",
    );
    const decoded = decodeSubmission([await delegating(32)]);
    expect(decoded).toMatchObject({ signatures: 33 });
  });

  test("past the room left, decoding stops: too many entries are not decoded at all", async () => {
    const raw = await delegating(2);
    expect(decodeSubmission(Array(3).fill(raw), 9)).toMatchObject({ signatures: 9 });
    // The third transaction takes it to 9 > 8: the fourth, not even hex, is never decoded.
    expect(decodeSubmission([raw, raw, raw, "not even hex"], 8)).toEqual({ over: true, signatures: 9 });
    // Each transaction carries at least one signature: 5 entries cannot fit in 4.
    expect(decodeSubmission(Array(5).fill("not even hex"), 4)).toEqual({ over: true, signatures: 5 });
  });

  test("a refused call reports the signatures decoded up to the refusal", async () => {
    const refused = decodeSubmission([await delegating(1), await delegating(33)]);
    expect("error" in refused && refused.signatures).toBe(2 + 34);
    expect(decodeSubmission([await plain(), "0x02deadbeef"])).toMatchObject({ signatures: 1 });
  });

  test("an entry that does not decode is refused with what is wrong and where", async () => {
    expect(errorOf(decodeSubmission(["0x02deadbeef"]))?.message).toMatch(
      /^the submitted transaction is not a signed transaction: /,
    );
    const unsigned = serializeTransaction({ ...base, to: TO, value: 1n });
    expect(errorOf(decodeSubmission([await plain(), unsigned]))?.message).toBe(
      "the submitted transaction at index 1 is not a signed transaction: the transaction is not signed",
    );
  });
});
