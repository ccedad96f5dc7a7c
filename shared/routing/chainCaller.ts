/**
 * @module
 * The feed's calls to a chain's upstreams, through the gateway's own routing: scored, failed over,
 * within the chain's time budget. Returns the parsed result; throws a client-safe error otherwise.
 */

import type { ChainConfig } from "../config/chains";
import { UpstreamUnavailableError } from "../errors/kinds";
import type { RpcCall } from "../jsonrpc/parse";
import { createSender } from "../upstream/batchSender";
import { callNeeds } from "./callNeeds";
import { GATEWAY } from "./confirmation";
import { forwardCall } from "./forward";

export type ChainCall = <T = unknown>(method: string, params: unknown[]) => Promise<T>;

export function chainCaller(
  chain: ChainConfig,
  attemptTimeoutMs: number,
  waitUntil: (p: Promise<unknown>) => void,
): ChainCall {
  // One sender: calls made in the same turn go to an upstream as one batch. These are the gateway's
  // own calls, not a tenant's: their failures confirm an upstream's (./confirmation.ts).
  const send = createSender(GATEWAY);
  return async <T>(method: string, params: unknown[]) => {
    const call: RpcCall = { ok: true, method, params, paramsRaw: JSON.stringify(params), id: "1" };
    const { outcome } = await forwardCall({
      call,
      caller: GATEWAY,
      needs: callNeeds(method, params),
      chain,
      send,
      deadline: Date.now() + chain.budgetMs,
      attemptTimeoutMs,
      waitUntil,
      hedgeable: false,
    });
    if (!outcome.ok) throw new UpstreamUnavailableError(`${method} failed: ${outcome.error.message}`);
    return JSON.parse(outcome.resultRaw) as T;
  };
}
