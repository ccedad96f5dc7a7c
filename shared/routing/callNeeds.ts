/**
 * @module
 * What a call needs from an upstream, read from its method and params: the block it pins, whether
 * it depends on the chain head, a capability (trace, debug, archive state) and how it may be
 * retried. Pure.
 */

export type Capability = "archive" | "trace" | "debug" | "ws";

/** read: safe to hedge and retry. send: a transaction, never hedged. stateful: tied to one node. */
export type CallKind = "read" | "send" | "stateful";

export interface CallNeeds {
  kind: CallKind;
  /** The highest block number the call names explicitly (a tag such as `earliest` counts as 0). */
  block: number | undefined;
  /** The lowest block number it names (the start of a log range). */
  lowestBlock: number | undefined;
  /** True when the answer depends on the chain head (`latest`, `pending`, no block given...). */
  headDependent: boolean;
  /** Reads state (balances, code, calls) as of `block`, which old blocks only archive nodes keep. */
  readsState: boolean;
  capability: Capability | undefined;
}

/** Where the block parameter sits, for methods that take one; `-1` means "the last param". */
const BLOCK_PARAM: Record<string, number> = {
  eth_getBalance: 1,
  eth_getCode: 1,
  eth_getTransactionCount: 1,
  eth_getStorageAt: 2,
  eth_call: 1,
  eth_estimateGas: 1,
  eth_getProof: 2,
  eth_createAccessList: 1,
  eth_getBlockByNumber: 0,
  eth_getBlockReceipts: 0,
  eth_getBlockTransactionCountByNumber: 0,
  eth_getUncleCountByBlockNumber: 0,
  eth_getTransactionByBlockNumberAndIndex: 0,
  eth_getUncleByBlockNumberAndIndex: 0,
  eth_feeHistory: 1,
  debug_traceBlockByNumber: 0,
  debug_traceCall: 1,
  trace_block: 0,
  trace_call: 2,
  trace_replayBlockTransactions: 0,
};

const STATE_METHODS = new Set([
  "eth_getBalance",
  "eth_getCode",
  "eth_getTransactionCount",
  "eth_getStorageAt",
  "eth_call",
  "eth_estimateGas",
  "eth_getProof",
  "eth_createAccessList",
  "debug_traceCall",
  "debug_traceBlockByNumber",
  "trace_call",
  "trace_block",
  "trace_replayBlockTransactions",
]);

/** Answers that depend on the head even without a block parameter. */
const HEAD_METHODS = new Set([
  "eth_blockNumber",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_blobBaseFee",
  "eth_syncing",
  "eth_sendRawTransaction",
]);

const SEND_METHODS = new Set(["eth_sendRawTransaction", "eth_sendTransaction"]);
const STATEFUL_METHODS = new Set([
  "eth_newFilter",
  "eth_newBlockFilter",
  "eth_newPendingTransactionFilter",
  "eth_getFilterChanges",
  "eth_getFilterLogs",
  "eth_uninstallFilter",
]);

export function callNeeds(method: string, params: unknown): CallNeeds {
  const list = Array.isArray(params) ? params : [];
  const refs: unknown[] = [];
  if (method === "eth_getLogs") {
    const filter = list[0] as Record<string, unknown> | undefined;
    if (filter && typeof filter === "object" && filter.blockHash === undefined) {
      refs.push(filter.fromBlock ?? "latest", filter.toBlock ?? "latest");
    }
  } else if (Object.hasOwn(BLOCK_PARAM, method)) {
    refs.push(list[BLOCK_PARAM[method] as number] ?? "latest");
  }
  let block: number | undefined;
  let lowestBlock: number | undefined;
  let tagged = false;
  for (const ref of refs) {
    const n = blockNumberOf(ref);
    if (n === undefined) {
      // Anything that is not a number may mean the head to some node ("Latest", 32): treat it so.
      tagged ||= isHeadTag(ref) || !isBlockHash(ref);
      continue;
    }
    block = Math.max(block ?? n, n);
    lowestBlock = Math.min(lowestBlock ?? n, n);
  }
  return {
    kind: SEND_METHODS.has(method) ? "send" : STATEFUL_METHODS.has(method) ? "stateful" : "read",
    block,
    lowestBlock,
    headDependent: tagged || HEAD_METHODS.has(method),
    readsState: STATE_METHODS.has(method),
    capability: method.startsWith("trace_") ? "trace" : method.startsWith("debug_") ? "debug" : undefined,
  };
}

/** A block parameter as a number: hex quantity, `earliest`, or an EIP-1898 `{blockNumber}`. */
function blockNumberOf(ref: unknown): number | undefined {
  if (ref === "earliest") return 0;
  if (typeof ref === "string" && /^0x[0-9a-f]{1,16}$/i.test(ref)) return Number(ref);
  if (ref && typeof ref === "object" && "blockNumber" in ref) return blockNumberOf(ref.blockNumber);
  return undefined;
}

/** An EIP-1898 `{blockHash}`: a block by hash, not by height. */
function isBlockHash(ref: unknown): boolean {
  return !!ref && typeof ref === "object" && "blockHash" in ref && !("blockNumber" in ref);
}

function isHeadTag(ref: unknown): boolean {
  if (ref && typeof ref === "object" && "blockNumber" in ref) return isHeadTag(ref.blockNumber);
  return ref === "latest" || ref === "pending" || ref === "safe" || ref === "finalized";
}
