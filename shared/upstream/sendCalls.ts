/**
 * @module
 * Sends calls to one upstream as a single request (or a batch) within a timeout, and returns one
 * outcome per call in order. Outcomes are already normalised: nothing the upstream said that could
 * hold its URL or credentials reaches the caller.
 */

import type { Upstream } from "../config/chains";
import type { JsonRpcErrorObject } from "../errors/base";
import { ResponseTooLargeError, UpstreamTimeoutError, UpstreamUnavailableError } from "../errors/kinds";
import { type NodeFailure, normalizeHttpFailure, normalizeRpcError } from "../errors/normalize";
import { redact } from "../errors/redact";
import { DEFAULT_MAX_RESPONSE_BYTES, readCapped } from "../http/readCapped";
import { parseReplies } from "../jsonrpc/replies";
import { requestEntry } from "../jsonrpc/serialize";

const UPSTREAM_HEADERS = { "content-type": "application/json" };

export interface UpstreamCall {
  method: string;
  paramsRaw: string | undefined;
}

export type CallOutcome =
  | { readonly ok: true; readonly resultRaw: string }
  | { readonly ok: false; readonly fault: "client"; readonly error: JsonRpcErrorObject }
  | ({ readonly ok: false } & NodeFailure);

export interface SendCallsParameters {
  upstream: Upstream;
  calls: readonly UpstreamCall[];
  timeoutMs: number;
  /** Largest answer read (a client's calls: the chain's maxResponseBytes); 32 MiB by default. */
  maxBytes?: number | undefined;
}

export async function sendCalls({
  upstream,
  calls,
  timeoutMs,
  maxBytes = DEFAULT_MAX_RESPONSE_BYTES,
}: SendCallsParameters): Promise<CallOutcome[]> {
  const body =
    calls.length === 1
      ? requestEntry(1, (calls[0] as UpstreamCall).method, (calls[0] as UpstreamCall).paramsRaw)
      : `[${calls.map((c, i) => requestEntry(i + 1, c.method, c.paramsRaw)).join(",")}]`;
  let text: string;
  try {
    const response = await fetch(upstream.url, {
      method: "POST",
      headers: UPSTREAM_HEADERS,
      body,
      // A 3xx is a failed call, never followed: an upstream must not lead the gateway elsewhere.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const read = await readCapped(response, maxBytes);
    if (read === undefined) return calls.map(() => tooLarge(maxBytes));
    text = read;
    if (!response.ok) return allFail(calls.length, normalizeHttpFailure(response.status));
  } catch (err) {
    const name = err instanceof Error ? err.name : "Error";
    // Kept for logs, scrubbed: a fetch error may name the host it failed to reach.
    const cause = Object.assign(new Error(redact(String((err as Error)?.message ?? err), upstream.secrets)), {
      name,
    });
    const error =
      name === "TimeoutError" || name === "AbortError"
        ? new UpstreamTimeoutError(`upstream did not answer within ${timeoutMs} ms; try again`, { cause })
        : new UpstreamUnavailableError("could not reach the upstream; try again", { cause });
    return allFail(calls.length, { fault: "node", error });
  }
  const replies = parseReplies(text);
  if (!replies) return allFail(calls.length, normalizeHttpFailure(0));
  return calls.map((call, i) => {
    const reply = replies.byId.get(i + 1);
    if (reply?.ok) return reply;
    const error = reply?.error ?? replies.orphanError;
    if (!error) {
      return {
        ok: false,
        fault: "node",
        error: new UpstreamUnavailableError("upstream sent no answer for this call"),
      };
    }
    // The call sent: its method and strings are not read as the node's words when it echoes them.
    return { ok: false, ...normalizeRpcError(error, upstream.secrets, call) };
  });
}

function allFail(count: number, failure: NodeFailure): CallOutcome[] {
  return Array.from({ length: count }, () => ({ ok: false, ...failure }));
}

/** An answer over the chain's cap: the client's to narrow (a huge block, range or trace), not the node's fault. */
function tooLarge(cap: number): CallOutcome {
  const error = new ResponseTooLargeError(
    `the upstream's answer is over this chain's limit of ${cap} bytes: ask for less (a narrower range, fewer transactions, a smaller trace)`,
    { data: { limit: "response_bytes", max: cap } },
  );
  return { ok: false, fault: "client", error: error.toJsonRpc() };
}
