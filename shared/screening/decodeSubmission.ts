/**
 * @module
 * A call's submitted transactions decoded, within the caps that bound the signatures one call makes
 * the gateway recover: checked before any is recovered, each refusal -32602 with the cap. Pure.
 */
import type { GatewayError } from "../errors/base";
import { InvalidParamsError } from "../errors/kinds";
import { type SignedTransaction, signedTransaction } from "./parties";

/** Transactions one call submits (an eth_sendBundle's txs). */
export const MAX_SUBMITTED_TRANSACTIONS = 100;
/** EIP-7702 authorizations one transaction carries. */
export const MAX_AUTHORIZATIONS = 32;
/** Signatures one call makes the gateway recover: each transaction's and each authorization's. */
export const MAX_SIGNATURES = 200;

export type DecodedSubmission = { txs: SignedTransaction[]; signatures: number } | { error: GatewayError };

/** Decodes `raws` (shared/screening/submissions.ts), or says which cap it is over or what is wrong. */
export function decodeSubmission(raws: readonly unknown[]): DecodedSubmission {
  const count = raws.length;
  if (count > MAX_SUBMITTED_TRANSACTIONS) {
    return over(
      `a call submits at most ${MAX_SUBMITTED_TRANSACTIONS} transactions and this one submits ${count}: send the bundle in parts of at most ${MAX_SUBMITTED_TRANSACTIONS}`,
      MAX_SUBMITTED_TRANSACTIONS,
    );
  }
  const txs: SignedTransaction[] = [];
  let signatures = 0;
  for (const [i, raw] of raws.entries()) {
    const which = count > 1 ? `the transaction at index ${i}` : "this one";
    let tx: SignedTransaction;
    try {
      tx = signedTransaction(raw);
    } catch (err) {
      const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      const at = count > 1 ? ` at index ${i}` : "";
      return {
        error: new InvalidParamsError(`the submitted transaction${at} is not a signed transaction: ${why}`),
      };
    }
    if (tx.authorizations.length > MAX_AUTHORIZATIONS) {
      return over(
        `a transaction carries at most ${MAX_AUTHORIZATIONS} EIP-7702 authorizations and ${which} carries ${tx.authorizations.length}: split them across transactions`,
        MAX_AUTHORIZATIONS,
      );
    }
    txs.push(tx);
    signatures += 1 + tx.authorizations.length;
  }
  if (signatures > MAX_SIGNATURES) {
    return over(
      `a call carries at most ${MAX_SIGNATURES} signatures (one per transaction and one per authorization) and this one carries ${signatures}: send fewer transactions or authorizations per call`,
      MAX_SIGNATURES,
    );
  }
  return { txs, signatures };
}

function over(message: string, max: number): DecodedSubmission {
  return { error: new InvalidParamsError(message, { data: { max } }) };
}
