import { parseGwei, serializeTransaction } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, test } from "vitest";
import { chargedSignatures } from "../../../shared/screening/chargedSignatures";
import {
  decodeSubmission,
  MAX_AUTHORIZATIONS,
  MAX_SIGNATURES,
  MAX_SUBMITTED_TRANSACTIONS,
} from "../../../shared/screening/decodeSubmission";

const sender = privateKeyToAccount(`0x${"11".repeat(32)}`);
const delegator = privateKeyToAccount(`0x${"22".repeat(32)}`);
const TO = `0x${"33".repeat(20)}` as const;
const base = { chainId: 1, nonce: 0, gas: 21_000n, maxFeePerGas: parseGwei("20"), maxPriorityFeePerGas: 1n };
/** An authorization whose signature recovers to nothing: only a cap checked before recovery passes over it. */
const BOGUS = {
  address: TO,
  chainId: 1,
  nonce: 0,
  r: `0x${"00".repeat(32)}`,
  s: `0x${"00".repeat(32)}`,
  yParity: 0,
} as const;

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
  test("the caps are 100 transactions, 32 authorizations per transaction and 200 signatures per call", () => {
    expect([MAX_SUBMITTED_TRANSACTIONS, MAX_AUTHORIZATIONS, MAX_SIGNATURES]).toEqual([100, 32, 200]);
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

  test("more than 200 signatures in one call are refused with the cap", async () => {
    const raw = await delegating(2);
    expect(decodeSubmission(Array(66).fill(raw))).toMatchObject({ signatures: 198 });
    expect(errorOf(decodeSubmission(Array(67).fill(raw)))).toEqual({
      code: -32602,
      message:
        "a call carries at most 200 signatures (one per transaction and one per authorization) and this one carries 201: send fewer transactions or authorizations per call",
      data: { code: "invalid_params", max: 200 },
    });
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

describe("chargedSignatures: how many times a send call's CU is charged", () => {
  test("once per transaction and per authorization, for every decoded send in any spelling", async () => {
    const authorization = await delegator.signAuthorization({ address: TO, chainId: 1, nonce: 0 });
    const withTwo = await sender.signTransaction({
      ...base,
      type: "eip7702",
      to: TO,
      authorizationList: [authorization, authorization],
    });
    expect(chargedSignatures("eth_sendRawTransaction", [await plain()])).toBe(1);
    expect(chargedSignatures("eth_sendRawTransaction", [withTwo])).toBe(3);
    expect(chargedSignatures("eth_sendBundle", [{ txs: [await plain(0), await plain(1), withTwo] }])).toBe(5);
    expect(chargedSignatures("ETH_SENDBUNDLE", [{ txs: [await plain(0), await plain(1)] }])).toBe(2);
    expect(chargedSignatures("eth_sendPrivateTransaction", [{ tx: withTwo }])).toBe(3);
  });

  test("once for a call refused before any signature is recovered, an empty bundle, or another method", async () => {
    expect(chargedSignatures("eth_sendBundle", [{ txs: Array(101).fill(await plain()) }])).toBe(1);
    expect(chargedSignatures("eth_sendRawTransaction", ["0xdeadbeef"])).toBe(1);
    expect(chargedSignatures("eth_sendBundle", [{ txs: [] }])).toBe(1);
    expect(chargedSignatures("mev_sendBundle", [{ txs: [await plain(0), await plain(1)] }])).toBe(1);
  });
});
