/**
 * @module
 * How many times a call that submits transactions is charged its CU: once per signature screening
 * recovers for it (each transaction's, each EIP-7702 authorization's), at least once. A call over a
 * cap, or that does not decode, is refused before any is recovered: charged once. Pure.
 */
import { decodeSubmission } from "./decodeSubmission";
import { submittedTransactions } from "./submissions";

export function chargedSignatures(method: string, params: unknown): number {
  const raws = submittedTransactions(method, params);
  if (raws === undefined) return 1;
  const decoded = decodeSubmission(raws);
  return "error" in decoded ? 1 : Math.max(1, decoded.signatures);
}
