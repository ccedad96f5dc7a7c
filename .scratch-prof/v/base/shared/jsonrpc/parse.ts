/**
 * @module
 * JSON-RPC 2.0 request parsing, exactly as the spec says: single or batch, notifications, and the
 * caller's `id` and `params` kept as raw text so they go back and forth byte-for-byte.
 */
import type { GatewayError } from "../errors/base";
import { InvalidRequestError, ParseError } from "../errors/kinds";
import { arrayElements, objectMembers, type Span, skipWhitespace } from "./scan";

/** A well-formed request. `id` is the raw JSON text of the id, or undefined for a notification. */
export interface RpcCall {
  readonly ok: true;
  readonly method: string;
  /** Parsed params, for policy checks. */
  readonly params: unknown[] | Record<string, unknown> | undefined;
  /** Raw JSON text of `params`, forwarded as-is; undefined when absent. */
  readonly paramsRaw: string | undefined;
  readonly id: string | undefined;
}

/** A request that failed validation; it is always answered, with `id` null when it had no valid id. */
export interface RpcInvalid {
  readonly ok: false;
  readonly error: GatewayError;
  readonly id: string;
}

export type RpcItem = RpcCall | RpcInvalid;

export type ParseRequestReturnType =
  | { readonly kind: "single"; readonly item: RpcItem }
  | { readonly kind: "batch"; readonly items: RpcItem[] }
  | { readonly kind: "error"; readonly error: GatewayError };

const NULL_ID = "null";

export function parseRequest(text: string): ParseRequestReturnType {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "error", error: new ParseError("parse error: the body is not valid JSON") };
  }
  const start = skipWhitespace(text, 0);
  if (!Array.isArray(value)) return { kind: "single", item: toItem(value, text, start) };
  if (value.length === 0) {
    return { kind: "error", error: new InvalidRequestError("invalid request: the batch is empty") };
  }
  const spans = arrayElements(text, start);
  return { kind: "batch", items: value.map((v, i) => toItem(v, text, (spans[i] as Span)[0])) };
}

function invalid(message: string, id = NULL_ID): RpcInvalid {
  return { ok: false, error: new InvalidRequestError(`invalid request: ${message}`), id };
}

function toItem(value: unknown, text: string, start: number): RpcItem {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return invalid("each request must be a JSON object");
  }
  const request = value as Record<string, unknown>;
  const members = objectMembers(text, start);
  const idSpan = members.get("id");
  const idValue = request.id;
  const idOk =
    idSpan !== undefined && (idValue === null || typeof idValue === "string" || typeof idValue === "number");
  if (idSpan !== undefined && !idOk) return invalid("id must be a string, a number or null");
  const id = idSpan ? text.slice(idSpan[0], idSpan[1]) : undefined;
  if (request.jsonrpc !== "2.0") return invalid('"jsonrpc" must be exactly "2.0"', id);
  if (typeof request.method !== "string" || request.method.length === 0) {
    return invalid('"method" must be a non-empty string', id);
  }
  const params = request.params;
  if (params !== undefined && (typeof params !== "object" || params === null)) {
    return invalid('"params" must be an array or an object', id);
  }
  const paramsSpan = members.get("params");
  return {
    ok: true,
    method: request.method,
    params: params as RpcCall["params"],
    paramsRaw: paramsSpan ? text.slice(paramsSpan[0], paramsSpan[1]) : undefined,
    id,
  };
}
