/**
 * @module
 * Screening's first half, run before the request is metered: each call that sends transactions is
 * decoded without recovering any signature (that waits for admission: shared/screening/screen.ts),
 * within the caps on what a request makes the gateway recover: 100 transactions a call, 32 EIP-7702
 * authorizations a transaction (shared/screening/decodeSubmission.ts), and 200 signatures a request
 * over all its calls, counted in order as they are decoded: the call that takes the request past 200,
 * and every send call after it, is refused with the cap, undecoded past that point. A send method the
 * gateway cannot decode is refused unless the plan lets it through unscreened. What a decoded call is
 * charged: its CU once per signature its transactions carry, at least once. Pure.
 */
import type { GatewayError } from "../errors/base";
import { InvalidParamsError } from "../errors/kinds";
import type { RpcCall, RpcItem } from "../jsonrpc/parse";
import { decodeSubmission } from "./decodeSubmission";
import type { SignedTransaction } from "./parties";
import { isSendMethod, unscreenableSend } from "./sendMethods";
import { submittedTransactions } from "./submissions";

/** Signatures one request makes the gateway recover, over all its calls: each transaction's and each authorization's. */
export const MAX_SIGNATURES = 200;

/** A call whose transactions are decoded: recovered and screened once the request is admitted. */
export interface DecodedCall {
  index: number;
  txs: readonly SignedTransaction[];
}

export interface DecodedSends {
  /** By item index: sends refused before admission (a method not decoded, a malformed transaction, a cap). */
  refusals: Map<number, GatewayError>;
  /** The calls to screen, in order. */
  decoded: DecodedCall[];
  /** How many times each decoded call is charged its CU: once per signature, at least once. */
  charged: Map<RpcCall, number>;
}

/**
 * The request's sends decoded; undefined (most requests) when no call not `refused` sends any.
 * `unscreenedSends`: the plan's send methods let through unscreened.
 */
export function decodeSends(
  items: readonly RpcItem[],
  refused: readonly (GatewayError | undefined)[],
  unscreenedSends: readonly string[],
): DecodedSends | undefined {
  const sends = (item: RpcItem, i: number): item is RpcCall =>
    item.ok && !refused[i] && isSendMethod(item.method);
  // Every request passes here: most send nothing, and are let go without a map or array made.
  if (!items.some(sends)) return undefined;
  const result: DecodedSends = { refusals: new Map(), decoded: [], charged: new Map() };
  let carried = 0;
  for (const [index, item] of items.entries()) {
    if (!sends(item, index)) continue;
    const raws = submittedTransactions(item.method, item.params);
    if (raws === undefined) {
      const error = unscreenableSend(item.method, unscreenedSends);
      if (error) result.refusals.set(index, error);
      continue;
    }
    const before = carried;
    const decoded = decodeSubmission(raws, MAX_SIGNATURES - before);
    carried += decoded.signatures;
    if ("over" in decoded) result.refusals.set(index, overSignatures(before > MAX_SIGNATURES));
    else if ("error" in decoded) result.refusals.set(index, decoded.error);
    else {
      result.decoded.push({ index, txs: decoded.txs });
      result.charged.set(item, Math.max(1, decoded.signatures));
    }
  }
  return result;
}

function overSignatures(passedBefore: boolean): GatewayError {
  const cap = `a request carries at most ${MAX_SIGNATURES} signatures over all its calls (one per transaction and one per EIP-7702 authorization)`;
  const message = passedBefore
    ? `${cap} and the calls before this one carry more: send this call in another request`
    : `${cap} and with this call it carries more: send fewer transactions or authorizations per request`;
  return new InvalidParamsError(message, { data: { max: MAX_SIGNATURES } });
}
