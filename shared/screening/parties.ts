/**
 * @module
 * Who a signed transaction involves: the sender recovered from its signature, the recipient, and
 * for each EIP-7702 authorization the delegate it points the account at and the authority who signed
 * it; and the first of them on a sanctions list. Decoding (cheap, no signature recovered) stands
 * apart from recovering. Pure.
 */
import {
  type Hex,
  isHex,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  type SignedAuthorization,
  type TransactionSerialized,
} from "viem";
import { recoverAuthorizationAddress } from "viem/utils";

export type Role = "sender" | "recipient" | "authorization delegate" | "authorization signer";

export interface Party {
  role: Role;
  /** Lower-case. */
  address: string;
}

export interface TransactionParties {
  hash: Hex;
  parties: Party[];
}

/** A transaction decoded but not yet recovered: what recovering its parties needs. */
export interface SignedTransaction {
  serialized: TransactionSerialized;
  to: string | undefined;
  /** Its EIP-7702 authorizations (empty for other types): one signature to recover each. */
  authorizations: readonly SignedAuthorization[];
}

/** Decodes `raw` without recovering any signature; throws an Error saying what is wrong. */
export function signedTransaction(raw: unknown): SignedTransaction {
  if (typeof raw !== "string" || !isHex(raw) || raw.length < 4) {
    throw new Error("expected the signed transaction as 0x-prefixed hex");
  }
  const serialized = raw as TransactionSerialized;
  const tx = parseTransaction(serialized);
  if (tx.r === undefined || tx.s === undefined) throw new Error("the transaction is not signed");
  const authorizations = "authorizationList" in tx ? (tx.authorizationList ?? []) : [];
  return { serialized, to: tx.to ?? undefined, authorizations };
}

/** Recovers the sender and each authorization's signer: one signature each. Throws when one does not recover. */
export async function recoverParties(tx: SignedTransaction): Promise<TransactionParties> {
  const { serialized: serializedTransaction } = tx;
  const parties: Party[] = [
    { role: "sender", address: (await recoverTransactionAddress({ serializedTransaction })).toLowerCase() },
  ];
  if (tx.to) parties.push({ role: "recipient", address: tx.to.toLowerCase() });
  for (const authorization of tx.authorizations) {
    parties.push({ role: "authorization delegate", address: authorization.address.toLowerCase() });
    const signer = await recoverAuthorizationAddress({ authorization });
    parties.push({ role: "authorization signer", address: signer.toLowerCase() });
  }
  return { hash: keccak256(serializedTransaction), parties };
}

/** Decodes and recovers in one step; rejects with an Error saying what is wrong. */
export async function partiesOf(raw: unknown): Promise<TransactionParties> {
  return recoverParties(signedTransaction(raw));
}

/** The first party on the list, if any. */
export function listedParty(parties: readonly Party[], listed: ReadonlySet<string>): Party | undefined {
  return parties.find((p) => listed.has(p.address));
}
