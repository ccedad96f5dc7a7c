/**
 * @module
 * Turns what an upstream answered into what a client may see. A client's own fault (a revert, bad
 * params, an unknown method) passes through with URLs and credentials removed; a node's fault
 * (overloaded, throttled, unsynced, misconfigured credentials) becomes a gateway error whose message
 * never repeats the provider's words.
 *
 * The rule, in order (one client must never be able to make a node look broken to every tenant):
 *  1. The JSON-RPC code decides first. Codes a node uses for the client's mistakes are the client's,
 *     always, whatever their text: 3 (reverted), -32600 (invalid request), -32601 (no such method),
 *     -32602 (invalid params), -32003 (transaction rejected), -32004 (method not supported).
 *  2. A node saying the client's own call failed (a revert, a result too big, its execution ran past
 *     the node's limit) makes it the client's. This text may echo input, but it can only ever blame
 *     the caller, never the node.
 *  3. 429, -32005 (limit exceeded) and QuickNode's -32007 are throttling; -32603 is the node's.
 *  4. Only where no code decides (-32000, which geth uses for many things, and unknown codes) is the
 *     message read, and then only after removing what the client sent (its method name, its string
 *     params, anything quoted, any "method <name>"), and only for phrases a node writes about
 *     itself, anchored at the start. Anything else is the client's.
 *  HTTP and transport failures are the node's (normalizeHttpFailure, shared/upstream/sendCalls.ts).
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

/** The call the error answers, as the client sent it: removed from the message before it is read. */
export interface SentCall {
  readonly method: string;
  readonly paramsRaw?: string | undefined;
}

/** Codes that say the client's request, method, params or transaction is wrong (rule 1). */
const CLIENT_CODES = new Set([3, -32600, -32601, -32602, -32003, -32004]);
/** Codes that say the upstream is refusing work for now (rule 3). */
const THROTTLE_CODES = new Set([429, -32005, -32007]);

/**
 * The node says the client's own call failed, the same way on any node (rule 2): geth, anvil,
 * erigon, reth, Besu ("execution reverted"), Hardhat and Ganache ("VM Exception ... revert"), result
 * limits, code size limits, and geth's eth_call / eth_estimateGas EVM timeout.
 */
const CLIENT_SAID =
  /^execution reverted|VM Exception while processing transaction: revert|query returned more than|response size exceeded|max (?:code|initcode) size exceeded|^execution aborted \(timeout/i;

/** Phrases a node or provider writes about its own quota, at the start of its message (rule 4). */
const THROTTLE_SAID =
  /^(?:too many requests|rate.?limit|daily request|request rate|request limit|quota|capacity|throttl|(?:your app|you) ha(?:s|ve) exceeded|\d+\/second request limit)/i;
/** Phrases a node writes about itself running out of time (rule 4). */
const TIMEOUT_SAID = /^(?:request timed out|timed out|timeout|context deadline exceeded)/i;
/** Phrases a node writes about itself: unsynced, pruned, broken, or its credentials refused (rule 4). */
const NODE_SAID = new RegExp(
  `^(?:${[
    "header not found",
    "missing trie node",
    "historical state (?:is )?not available",
    "internal error",
    "method handler crashed",
    "(?:the )?node is (?:still )?syncing",
    "no suitable peers",
    "unauthori[sz]ed",
    "forbidden",
    "access denied",
    "must be authenticated",
    "invalid (?:api key|project id)",
    "service (?:temporarily )?unavailable",
    "backend (?:error|unavailable)",
    "upstream (?:connect error|error|unavailable)",
    "connection (?:refused|reset|closed)",
  ].join("|")})`,
  "i",
);

/** Quoted text in an error message: echoed input, as Go's %q, serde's backticks and others write it. */
const QUOTED = /"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`/g;
/** "method x_foo" and "method: x_foo": the name of what the client called (names have a namespace_). */
const NAMED_METHOD = /\bmethod:?\s+\S*_\S*/gi;
/** Shortest string param removed from a message: shorter ones would cut words a node wrote. */
const MIN_ECHO_LENGTH = 3;

/** Classifies a JSON-RPC error object returned by an upstream, for the call `sent` when known. */
export function normalizeRpcError(
  error: JsonRpcErrorObject,
  secrets: readonly string[] = [],
  sent?: SentCall,
): NormalizedUpstreamError {
  switch (faultOf(error, sent)) {
    case "client":
      return passThrough(error, secrets);
    case "throttled":
      return {
        fault: "throttled",
        error: new UpstreamUnavailableError("upstream is rate limited; try again shortly"),
      };
    case "timeout":
      return { fault: "node", error: new UpstreamTimeoutError("upstream did not answer in time; try again") };
    case "node":
      return {
        fault: "node",
        error: new UpstreamUnavailableError("upstream node failed to answer; try again"),
      };
  }
}

/** Whose fault an error is; a node's timeout apart, as the caller may not count it (routing/policy). */
function faultOf(error: JsonRpcErrorObject, sent: SentCall | undefined): UpstreamFault | "timeout" {
  if (CLIENT_CODES.has(error.code)) return "client";
  if (CLIENT_SAID.test(error.message)) return "client";
  if (THROTTLE_CODES.has(error.code)) return "throttled";
  if (error.code === -32603) return "node";
  const said = withoutEcho(error.message, sent);
  if (THROTTLE_SAID.test(said)) return "throttled";
  if (TIMEOUT_SAID.test(said)) return "timeout";
  if (NODE_SAID.test(said)) return "node";
  return "client";
}

/** The message less anything the client sent: its method, its string params, quoted text. */
export function withoutEcho(message: string, sent?: SentCall): string {
  let out = message;
  for (const echo of sent ? sentStrings(sent) : []) out = out.split(echo).join(" ");
  return out.replace(QUOTED, " ").replace(NAMED_METHOD, " ").trim();
}

/** The method and every string in the params, longest first so that no part of one is left. */
function sentStrings({ method, paramsRaw }: SentCall): string[] {
  const found = [method];
  if (paramsRaw) {
    try {
      collectStrings(JSON.parse(paramsRaw), found);
    } catch {
      // not JSON: the gateway parsed the request, so this does not happen; nothing more to remove
    }
  }
  return found.filter((s) => s.length >= MIN_ECHO_LENGTH).sort((a, b) => b.length - a.length);
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      collectStrings(item, into);
    }
  }
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
