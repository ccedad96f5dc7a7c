/** The shapes of method hooks (shared/methods/index.ts dispatches them). */
import type { ChainConfig, Upstream } from "../config/chains";
import type { RpcCall } from "../jsonrpc/parse";
import type { SendCall } from "../upstream/batchSender";
import type { CallOutcome } from "../upstream/sendCalls";

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
