/**
 * @module
 * What each JSON-RPC method costs in compute units (CU), the unit tenants are limited and billed
 * by, on the scale hosted providers use (Alchemy, dRPC): cheap reads around 10-20, calls and state
 * reads 20-30, log queries 75, transactions 250, traces in the hundreds. A batch costs the sum of
 * its items. Pure.
 */

/** Any method not in the table. */
export const DEFAULT_CU = 20;

const COSTS: Record<string, number> = {
  // Answered from what every node knows at once.
  eth_chainId: 0,
  net_version: 0,
  net_listening: 0,
  eth_syncing: 0,
  web3_clientVersion: 15,
  eth_accounts: 0,
  // The head and fees.
  eth_blockNumber: 10,
  eth_gasPrice: 19,
  eth_maxPriorityFeePerGas: 10,
  eth_blobBaseFee: 10,
  eth_feeHistory: 10,
  // Blocks and transactions.
  eth_getBlockByNumber: 16,
  eth_getBlockByHash: 21,
  eth_getBlockTransactionCountByNumber: 20,
  eth_getBlockTransactionCountByHash: 20,
  eth_getTransactionByHash: 17,
  eth_getTransactionByBlockNumberAndIndex: 15,
  eth_getTransactionByBlockHashAndIndex: 15,
  eth_getTransactionReceipt: 15,
  eth_getBlockReceipts: 500,
  eth_getUncleByBlockNumberAndIndex: 15,
  eth_getUncleByBlockHashAndIndex: 15,
  eth_getUncleCountByBlockNumber: 15,
  eth_getUncleCountByBlockHash: 15,
  // State.
  eth_getBalance: 19,
  eth_getCode: 19,
  eth_getStorageAt: 17,
  eth_getTransactionCount: 26,
  eth_getProof: 21,
  eth_call: 26,
  eth_estimateGas: 87,
  eth_createAccessList: 87,
  // Logs and filters.
  eth_getLogs: 75,
  eth_newFilter: 20,
  eth_newBlockFilter: 20,
  eth_newPendingTransactionFilter: 20,
  eth_getFilterChanges: 20,
  eth_getFilterLogs: 75,
  eth_uninstallFilter: 10,
  // Subscriptions: the subscribe call, and each notification a subscription receives.
  eth_subscribe: 10,
  eth_unsubscribe: 10,
  eth_subscription: 10,
  // Writes: each is charged once per signature it carries (shared/screening/decodeSends.ts).
  eth_sendRawTransaction: 250,
  eth_sendRawTransactionConditional: 250,
  eth_sendRawTransactionSync: 250,
  eth_sendPrivateRawTransaction: 250,
  eth_sendPrivateTransaction: 250,
  eth_sendBundle: 250,
  // Traces and debugging.
  debug_traceTransaction: 309,
  debug_traceCall: 309,
  debug_traceBlockByNumber: 497,
  debug_traceBlockByHash: 497,
  trace_transaction: 26,
  trace_call: 75,
  trace_block: 24,
  trace_filter: 75,
  trace_replayTransaction: 2983,
  trace_replayBlockTransactions: 2983,
  txpool_content: 1000,
  txpool_status: 10,
  txpool_inspect: 1000,
};

/**
 * What a request to each authenticated endpoint other than JSON-RPC costs: the usage view (a flush
 * of the tenant's object and D1 reads), prices and validators (KV reads; validators sorts a
 * snapshot), a chain's health (probes its upstreams when this isolate has not lately).
 */
export const ENDPOINT_CU = { usage: 10, prices: 10, validators: 20, health: 5 } as const;

/** An authenticated endpoint other than JSON-RPC, as ENDPOINT_CU names it. */
export type Endpoint = keyof typeof ENDPOINT_CU;

/** Every method the table prices, spelled as the table spells it. */
export function knownCostMethods(): string[] {
  return Object.keys(COSTS);
}

/** The CU one call of `method` costs. */
export function cuOf(method: string): number {
  return Object.hasOwn(COSTS, method) ? (COSTS[method] as number) : DEFAULT_CU;
}

/** The CU a request costs: the sum over its calls (a batch costs the sum of its items). */
export function cuOfCalls(methods: readonly string[]): number {
  let total = 0;
  for (const method of methods) total += cuOf(method);
  return total;
}
