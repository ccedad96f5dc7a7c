/**
 * @module
 * One call's submitted transactions decoded, no signature recovered: at most 100 transactions a call
 * and 32 EIP-7702 authorizations a transaction (each refusal -32602 with the cap), and decoding stops
 * as soon as the signatures pass the room the request has left (shared/screening/decodeSends.ts), so
 * what a request makes the gateway decode is bounded too: an authorization list is counted from its
 * RLP headers before the transaction is parsed. Pure.
 */
import { isHex } from "viem";
import type { GatewayError } from "../errors/base";
import { InvalidParamsError } from "../errors/kinds";
import { authorizationCount } from "./authorizationCount";
import { type SignedTransaction, signedTransaction } from "./parties";

/** Transactions one call submits (an eth_sendBundle's txs). */
export const MAX_SUBMITTED_TRANSACTIONS = 100;
/** EIP-7702 authorizations one transaction carries. */
export const MAX_AUTHORIZATIONS = 32;

/** `signatures`: those decoded (one per transaction, one per authorization), up to where decoding stopped. */
export type DecodedSubmission =
  | { txs: SignedTransaction[]; signatures: number }
  | { error: GatewayError; signatures: number }
  /** More signatures than the room left: decoding stopped there. */
  | { over: true; signatures: number };

/** Decodes `raws` (shared/screening/submissions.ts), or says which cap it is over or what is wrong. */
export function decodeSubmission(
  raws: readonly unknown[],
  room = Number.POSITIVE_INFINITY,
): DecodedSubmission {
  const count = raws.length;
  if (count > MAX_SUBMITTED_TRANSACTIONS) {
    const error = capError(
      `a call submits at most ${MAX_SUBMITTED_TRANSACTIONS} transactions and this one submits ${count}: send the bundle in parts of at most ${MAX_SUBMITTED_TRANSACTIONS}`,
      MAX_SUBMITTED_TRANSACTIONS,
    );
    return { error, signatures: 0 };
  }
  // Each transaction carries at least its own signature: too many are refused undecoded.
  if (count > room) return { over: true, signatures: count };
  const txs: SignedTransaction[] = [];
  let signatures = 0;
  for (const [i, raw] of raws.entries()) {
    const at = count > 1 ? i : undefined;
    // Counted from its headers first: a list over the cap is refused before it is parsed.
    const declared = typeof raw === "string" && isHex(raw) ? authorizationCount(raw) : undefined;
    if (declared !== undefined && declared > MAX_AUTHORIZATIONS) {
      return { error: tooManyAuthorizations(at, declared), signatures: signatures + 1 + declared };
    }
    const tx = decodeOne(raw, at);
    if ("error" in tx) return { error: tx.error, signatures };
    signatures += 1 + tx.authorizations.length;
    if (tx.authorizations.length > MAX_AUTHORIZATIONS) {
      return { error: tooManyAuthorizations(at, tx.authorizations.length), signatures };
    }
    if (signatures > room) return { over: true, signatures };
    txs.push(tx);
  }
  return { txs, signatures };
}

function tooManyAuthorizations(at: number | undefined, carried: number): GatewayError {
  const which = at === undefined ? "this one" : `the transaction at index ${at}`;
  return capError(
    `a transaction carries at most ${MAX_AUTHORIZATIONS} EIP-7702 authorizations and ${which} carries ${carried}: split them across transactions`,
    MAX_AUTHORIZATIONS,
  );
}

function decodeOne(raw: unknown, at: number | undefined): SignedTransaction | { error: GatewayError } {
  try {
    return signedTransaction(raw);
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    const where = at === undefined ? "" : ` at index ${at}`;
    return {
      error: new InvalidParamsError(`the submitted transaction${where} is not a signed transaction: ${why}`),
    };
  }
}

function capError(message: string, max: number): GatewayError {
  return new InvalidParamsError(message, { data: { max } });
}
