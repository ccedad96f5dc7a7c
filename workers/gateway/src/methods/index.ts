/**
 * @module
 * Method-specific behaviour, dispatched from one place: methods the gateway answers itself, and
 * methods whose upstream answers it rewrites.
 */
import type { RpcCall } from "../../../../shared/jsonrpc/parse";
import type { ChainConfig, Upstream } from "../config/chains";
import type { CallOutcome } from "../upstream/send";
import type { SendCall } from "../upstream/sender";
import { eth_accounts } from "./eth_accounts";
import { eth_blockNumber } from "./eth_blockNumber";
import { eth_sendRawTransaction } from "./eth_sendRawTransaction";

type LocalMethod = (call: RpcCall) => string;

const LOCAL: Record<string, LocalMethod> = { eth_accounts };

/** The raw JSON result when the gateway answers this call itself. */
export function answerLocally(call: RpcCall): string | undefined {
  return Object.hasOwn(LOCAL, call.method) ? (LOCAL[call.method] as LocalMethod)(call) : undefined;
}

/** Where an upstream's answer to one attempt came from. */
export interface AttemptContext {
  chain: ChainConfig;
  upstream: Upstream;
  /** Attempts made for this call before this one (a transaction may already have reached a node). */
  earlierAttempts: number;
  send: SendCall;
  /** Time left for any further call this hook makes; it may be 0 or less. */
  timeoutMs: number;
}

/** Rewrites what an upstream answered to one attempt of a call. */
export type OutcomeHook = (
  call: RpcCall,
  outcome: CallOutcome,
  attempt: AttemptContext,
) => CallOutcome | Promise<CallOutcome>;

const HOOKS: Record<string, OutcomeHook> = { eth_blockNumber, eth_sendRawTransaction };

export function outcomeHook(method: string): OutcomeHook | undefined {
  return Object.hasOwn(HOOKS, method) ? HOOKS[method] : undefined;
}
