/**
 * @module
 * The signed transactions a call submits, whatever the method's spelling (nodes match method names
 * without regard to case): the raw-transaction methods, private sends and bundles. Pure.
 */

/** Where each method the gateway decodes holds its raw transactions, by lower-case name. */
const DECODED: Readonly<Record<string, (first: unknown) => unknown[]>> = {
  eth_sendrawtransaction: (first) => [first],
  eth_sendrawtransactionconditional: (first) => [first],
  eth_sendrawtransactionsync: (first) => [first],
  eth_sendprivaterawtransaction: (first) => [first],
  eth_sendprivatetransaction: (first) => [(first as { tx?: unknown } | undefined)?.tx],
  eth_sendbundle: (first) => {
    const txs = (first as { txs?: unknown } | undefined)?.txs;
    return Array.isArray(txs) ? txs : [txs];
  },
};

/** Whether the gateway decodes, and so can screen, the transactions `method` submits. */
export function decodesSubmissions(method: string): boolean {
  return Object.hasOwn(DECODED, method.toLowerCase());
}

/** The raw transactions `method` submits (each to be decoded), or undefined when it submits none. */
export function submittedTransactions(method: string, params: unknown): unknown[] | undefined {
  const lower = method.toLowerCase();
  if (!Object.hasOwn(DECODED, lower)) return undefined;
  const first = Array.isArray(params) ? params[0] : undefined;
  return (DECODED[lower] as (first: unknown) => unknown[])(first);
}
