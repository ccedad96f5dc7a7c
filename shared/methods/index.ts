/**
 * @module
 * Method-specific behaviour, dispatched from one table: each method with hooks has a file named
 * after it. Hooks run before and after forwarding, on each upstream attempt, or instead of
 * forwarding (the shapes are in hooks.ts). Names match exactly, as the table spells them.
 */
import {
  debug_traceBlockByHash,
  debug_traceBlockByNumber,
  debug_traceCall,
  debug_traceTransaction,
} from "./debug_trace";
import { eth_accounts } from "./eth_accounts";
import { eth_blockNumber } from "./eth_blockNumber";
import { eth_feeHistory } from "./eth_feeHistory";
import { eth_getLogs, rangeChecked } from "./eth_getLogs";
import { eth_sendRawTransaction } from "./eth_sendRawTransaction";
import { eth_subscribe, eth_unsubscribe } from "./eth_subscribe";
import {
  eth_getFilterChanges,
  eth_getFilterLogs,
  eth_newBlockFilter,
  eth_newFilter,
  eth_newPendingTransactionFilter,
  eth_uninstallFilter,
} from "./filters";
import type { MethodHooks, OutcomeHook } from "./hooks";

const METHODS: Record<string, MethodHooks> = {
  debug_traceBlockByHash,
  debug_traceBlockByNumber,
  debug_traceCall,
  debug_traceTransaction,
  eth_accounts,
  eth_blockNumber,
  eth_feeHistory,
  eth_getFilterChanges,
  eth_getFilterLogs,
  eth_getLogs,
  eth_newBlockFilter,
  eth_newFilter,
  eth_newPendingTransactionFilter,
  eth_sendRawTransaction,
  eth_subscribe,
  eth_uninstallFilter,
  eth_unsubscribe,
  trace_filter: rangeChecked,
};

/** The hooks of a method, if it has any. */
export function hooksOf(method: string): MethodHooks | undefined {
  return Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
}

/** The hook run on each upstream attempt of a call to this method. */
export function outcomeHook(method: string): OutcomeHook | undefined {
  return hooksOf(method)?.afterAttempt;
}
