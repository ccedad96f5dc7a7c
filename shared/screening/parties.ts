/**
 * @module
 * Who a signed transaction involves: the sender recovered from its signature, the recipient, and
 * the signer of each EIP-7702 authorization; and the first of them on a sanctions list. Pure.
 */
import {
  type Hex,
  isHex,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  type TransactionSerialized,
} from "viem";
import { recoverAuthorizationAddress } from "viem/utils";

export type Role = "sender" | "recipient" | "authorization signer";

export interface Party {
  role: Role;
  /** Lower-case. */
  address: string;
}

export interface TransactionParties {
  hash: Hex;
  parties: Party[];
}

/** Throws an Error saying what is wrong when `raw` is not a signed transaction. */
export async function partiesOf(raw: unknown): Promise<TransactionParties> {
  if (typeof raw !== "string" || !isHex(raw) || raw.length < 4) {
    throw new Error("expected the signed transaction as 0x-prefixed hex");
  }
  const serializedTransaction = raw as TransactionSerialized;
  const tx = parseTransaction(serializedTransaction);
  if (tx.r === undefined || tx.s === undefined) throw new Error("the transaction is not signed");
  const parties: Party[] = [
    { role: "sender", address: (await recoverTransactionAddress({ serializedTransaction })).toLowerCase() },
  ];
  if (tx.to) parties.push({ role: "recipient", address: tx.to.toLowerCase() });
  for (const authorization of "authorizationList" in tx ? (tx.authorizationList ?? []) : []) {
    const signer = await recoverAuthorizationAddress({ authorization });
    parties.push({ role: "authorization signer", address: signer.toLowerCase() });
  }
  return { hash: keccak256(raw as Hex), parties };
}

/** The first party on the list, if any. */
export function listedParty(parties: readonly Party[], listed: ReadonlySet<string>): Party | undefined {
  return parties.find((p) => listed.has(p.address));
}
