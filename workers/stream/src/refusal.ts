/**
 * @module
 * A refused upgrade as the client sees it: the JSON-RPC error body and HTTP status of its error
 * kind, as over HTTP, and `retry-after` when the error says when to try again.
 */
import type { GatewayError } from "../../../shared/errors/base";
import { errorEntry } from "../../../shared/jsonrpc/serialize";

export function refusal(error: GatewayError): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const retryAfter = error.data?.retryAfter;
  if (typeof retryAfter === "number") headers["retry-after"] = String(retryAfter);
  return new Response(errorEntry("null", error.toJsonRpc()), { status: error.httpStatus, headers });
}
