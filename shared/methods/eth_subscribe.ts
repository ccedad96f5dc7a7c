/**
 * eth_subscribe and eth_unsubscribe: answered by the WebSocket's subscriptions. Subscriptions need a
 * socket to deliver to: over HTTP they are refused with where to go instead.
 */
import { MethodNotFoundError } from "../errors/kinds";
import type { RpcCall } from "../jsonrpc/parse";
import type { HereAnswer, MethodHooks } from "./hooks";

function needsSocket(call: RpcCall): Promise<HereAnswer> {
  const error = new MethodNotFoundError(
    `${call.method} needs a WebSocket: connect to this same URL with ws:// or wss://`,
  );
  return Promise.resolve({ error });
}

export const eth_subscribe: MethodHooks = {
  answer: (call, { subscriptions }) => subscriptions?.subscribe(call) ?? needsSocket(call),
};

export const eth_unsubscribe: MethodHooks = {
  answer: (call, { subscriptions }) => subscriptions?.unsubscribe(call) ?? needsSocket(call),
};
