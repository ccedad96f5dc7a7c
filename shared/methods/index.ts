/**
 * @module
 * Method-specific behaviour, dispatched from one place: methods the gateway answers itself, and
 * methods whose upstream answers it rewrites.
 */

import type { RpcCall } from "../jsonrpc/parse";
import { eth_accounts } from "./eth_accounts";
import { eth_blockNumber } from "./eth_blockNumber";
import { eth_sendRawTransaction } from "./eth_sendRawTransaction";
import type { OutcomeHook } from "./hooks";

type LocalMethod = (call: RpcCall) => string;

const LOCAL: Record<string, LocalMethod> = { eth_accounts };

/** The raw JSON result when the gateway answers this call itself. */
export function answerLocally(call: RpcCall): string | undefined {
  return Object.hasOwn(LOCAL, call.method) ? (LOCAL[call.method] as LocalMethod)(call) : undefined;
}

const HOOKS: Record<string, OutcomeHook> = { eth_blockNumber, eth_sendRawTransaction };

export function outcomeHook(method: string): OutcomeHook | undefined {
  return Object.hasOwn(HOOKS, method) ? HOOKS[method] : undefined;
}
