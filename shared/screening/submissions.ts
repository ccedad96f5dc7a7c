/**
 * @module
 * The signed transactions a call submits, whatever the method's spelling (nodes match method names
 * without regard to case): the raw-transaction methods, private sends and bundles. Pure.
 */

/** The raw transactions `method` submits (each to be decoded), or undefined when it submits none. */
export function submittedTransactions(method: string, params: unknown): unknown[] | undefined {
  const first = Array.isArray(params) ? params[0] : undefined;
  switch (method.toLowerCase()) {
    case "eth_sendrawtransaction":
    case "eth_sendrawtransactionconditional":
    case "eth_sendrawtransactionsync":
    case "eth_sendprivaterawtransaction":
      return [first];
    case "eth_sendprivatetransaction":
      return [(first as { tx?: unknown } | undefined)?.tx];
    case "eth_sendbundle": {
      const txs = (first as { txs?: unknown } | undefined)?.txs;
      return Array.isArray(txs) ? txs : [txs];
    }
    default:
      return undefined;
  }
}
