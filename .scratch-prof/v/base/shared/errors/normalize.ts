/**
 * @module
 * Turns what an upstream answered into what a client may see. A client's own fault (a revert, bad
 * params, an unknown method) passes through with URLs and credentials removed; a node's fault
 * (overloaded, throttled, unsynced, misconfigured credentials) becomes a gateway error whose message
 * never repeats the provider's words.
 */
import type { GatewayError, JsonRpcErrorObject } from "./base";
import { UpstreamTimeoutError, UpstreamUnavailableError } from "./kinds";
import { redact } from "./redact";

export type UpstreamFault = "client" | "node" | "throttled";

/** A failure that is the upstream's, not the client's. */
export interface NodeFailure {
  readonly fault: "node" | "throttled";
  readonly error: GatewayError;
}

export type NormalizedUpstreamError =
  | { readonly fault: "client"; readonly error: JsonRpcErrorObject }
  | NodeFailure;

/** geth, anvil, erigon, reth ("execution reverted"); Hardhat and Ganache ("VM Exception ... revert"). */
const REVERTED = /^execution reverted|VM Exception while processing transaction: revert/i;
/** The request itself is too big or its code cannot run; it fails the same way everywhere. */
const REQUEST_TOO_BIG =
  /query returned more than|response size exceeded|max (?:code|initcode) size exceeded/i;
const THROTTLED = /rate.?limit|too many requests|exceeded|capacity|throttl|request limit|quota/i;
const NODE_FAILURE =
  /unauthori[sz]ed|forbidden|must be authenticated|api.?key|project.?id|access denied|header not found|missing trie node|timed? ?out|unavailable|syncing|internal error|method handler crashed|backend|upstream|connection/i;

/** Classifies a JSON-RPC error object returned by an upstream. */
export function normalizeRpcError(
  error: JsonRpcErrorObject,
  secrets: readonly string[] = [],
): NormalizedUpstreamError {
  if (error.code === 3 || REVERTED.test(error.message) || REQUEST_TOO_BIG.test(error.message)) {
    return passThrough(error, secrets);
  }
  if (error.code === 429 || error.code === -32005 || THROTTLED.test(error.message)) {
    return {
      fault: "throttled",
      error: new UpstreamUnavailableError("upstream is rate limited; try again shortly"),
    };
  }
  if (error.code === -32603 || NODE_FAILURE.test(error.message)) {
    return {
      fault: "node",
      error: new UpstreamUnavailableError("upstream node failed to answer; try again"),
    };
  }
  return passThrough(error, secrets);
}

function passThrough(error: JsonRpcErrorObject, secrets: readonly string[]): NormalizedUpstreamError {
  const clean: JsonRpcErrorObject = { code: error.code, message: redact(error.message, secrets) };
  if (error.data !== undefined) {
    clean.data =
      typeof error.data === "string" ? redact(error.data, secrets) : redactDeep(error.data, secrets);
  }
  return { fault: "client", error: clean };
}

/** Classifies an HTTP-level upstream failure (non-2xx status or an unreadable body). */
export function normalizeHttpFailure(status: number): NodeFailure {
  if (status === 429) {
    return {
      fault: "throttled",
      error: new UpstreamUnavailableError("upstream is rate limited; try again shortly"),
    };
  }
  if (status === 408 || status === 504) {
    return { fault: "node", error: new UpstreamTimeoutError("upstream did not answer in time; try again") };
  }
  const what = status ? `answered HTTP ${status}` : "sent a response that is not JSON-RPC";
  return { fault: "node", error: new UpstreamUnavailableError(`upstream ${what}; try again`) };
}

function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  return JSON.parse(redact(JSON.stringify(value), secrets));
}
