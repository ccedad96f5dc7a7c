import { keccak256, parseGwei, serializeTransaction } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, test } from "vitest";
import { listedParty, partiesOf } from "../../../shared/screening/parties";

const sender = privateKeyToAccount(`0x${"11".repeat(32)}`);
const delegator = privateKeyToAccount(`0x${"22".repeat(32)}`);
const TO = `0x${"33".repeat(20)}` as const;
const base = { chainId: 1, nonce: 0, gas: 21_000n, maxFeePerGas: parseGwei("20"), maxPriorityFeePerGas: 1n };

describe("partiesOf", () => {
  test("an EIP-1559 transfer: the recovered sender and the recipient, with the transaction hash", async () => {
    const raw = await sender.signTransaction({ ...base, to: TO, value: 1n });
    expect(await partiesOf(raw)).toEqual({
      hash: keccak256(raw),
      parties: [
        { role: "sender", address: sender.address.toLowerCase() },
        { role: "recipient", address: TO },
      ],
    });
  });

  test("a legacy contract creation has a sender and no recipient", async () => {
    const raw = await sender.signTransaction({
      chainId: 1,
      nonce: 0,
      gas: 90_000n,
      gasPrice: 1n,
      data: "0x00",
    });
    expect((await partiesOf(raw)).parties).toEqual([
      { role: "sender", address: sender.address.toLowerCase() },
    ]);
  });

  test("an EIP-7702 transaction also names each authorization's delegate and signer", async () => {
    const DELEGATE = `0x${"44".repeat(20)}` as const;
    const authorization = await delegator.signAuthorization({ address: DELEGATE, chainId: 1, nonce: 0 });
    const raw = await sender.signTransaction({
      ...base,
      type: "eip7702",
      to: TO,
      authorizationList: [authorization],
    });
    expect((await partiesOf(raw)).parties).toEqual([
      { role: "sender", address: sender.address.toLowerCase() },
      { role: "recipient", address: TO },
      { role: "authorization delegate", address: DELEGATE },
      { role: "authorization signer", address: delegator.address.toLowerCase() },
    ]);
  });

  test("bytes that are not a signed transaction are an error saying so", async () => {
    await expect(partiesOf(42)).rejects.toThrow("expected the signed transaction as 0x-prefixed hex");
    await expect(partiesOf("0x02deadbeef")).rejects.toThrow();
    const unsigned = serializeTransaction({ ...base, to: TO, value: 1n });
    await expect(partiesOf(unsigned)).rejects.toThrow("the transaction is not signed");
  });
});

test("listedParty finds the first listed party, in the order sender, recipient, signers", () => {
  const parties = [
    { role: "sender" as const, address: "0xa" },
    { role: "recipient" as const, address: "0xb" },
  ];
  expect(listedParty(parties, new Set(["0xb", "0xa"]))).toEqual(parties[0]);
  expect(listedParty(parties, new Set(["0xb"]))).toEqual(parties[1]);
  expect(listedParty(parties, new Set())).toBeUndefined();
});
