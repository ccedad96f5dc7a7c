/**
 * @module
 * JSON-RPC 2.0 request parsing, exactly as the spec says: single or batch, notifications, and the
 * caller's `id` and `params` kept as raw text so they go back and forth byte-for-byte.
 */
import type { GatewayError } from "../errors/base";
import { InvalidRequestError, ParseError } from "../errors/kinds";
import { MAX_NESTING, NESTING_MESSAGE, nestingDepth } from "./nesting";
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
const OPEN_BRACKET = 91;

/**
 * Nesting beyond {@link MAX_NESTING} is found first, by a scan of the text's brackets: a single
 * request that deep is refused whole before it is parsed; in a batch, each item that deep is
 * refused on its own (keeping its id when that is readable) and the others are answered.
 */
export function parseRequest(text: string): ParseRequestReturnType {
  const start = skipWhitespace(text, 0);
  const batch = text.charCodeAt(start) === OPEN_BRACKET;
  const cap = batch ? MAX_NESTING + 1 : MAX_NESTING;
  const deep = nestingDepth(text, cap, start) > cap;
  if (deep && !batch) {
    return { kind: "error", error: new InvalidRequestError(`invalid request: ${NESTING_MESSAGE}`) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "error", error: new ParseError("parse error: the body is not valid JSON") };
  }
  if (!Array.isArray(value)) return { kind: "single", item: toItem(value, text, start, false) };
  if (value.length === 0) {
    return { kind: "error", error: new InvalidRequestError("invalid request: the batch is empty") };
  }
  const spans = arrayElements(text, start);
  const items = value.map((v, i) => {
    const [from, to] = spans[i] as Span;
    return toItem(v, text, from, deep && nestingDepth(text, MAX_NESTING, from, to) > MAX_NESTING);
  });
  return { kind: "batch", items };
}

function invalid(message: string, id = NULL_ID): RpcInvalid {
  return { ok: false, error: new InvalidRequestError(`invalid request: ${message}`), id };
}

/** The raw id of a request, undefined when it has none, null when it is not a valid id. */
function idOf(
  request: Record<string, unknown>,
  span: Span | undefined,
  text: string,
): string | null | undefined {
  if (span === undefined) return undefined;
  const value = request.id;
  const ok = value === null || typeof value === "string" || typeof value === "number";
  return ok ? text.slice(span[0], span[1]) : null;
}

/** One request as an item; `deep` when it nests beyond the limit, which refuses it before its members are read. */
function toItem(value: unknown, text: string, start: number, deep: boolean): RpcItem {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return invalid(deep ? NESTING_MESSAGE : "each request must be a JSON object");
  }
  const request = value as Record<string, unknown>;
  const repeated: string[] = [];
  const members = objectMembers(text, start, repeated);
  // A repeated id (refused below) is answered with its last value, the one JSON.parse keeps.
  const rawId = idOf(request, members.get("id"), text);
  const id = rawId === null ? undefined : rawId;
  if (deep) return invalid(NESTING_MESSAGE, id);
  if (rawId === null) return invalid("id must be a string, a number or null");
  if (repeated.length > 0) {
    const key = JSON.stringify(repeated[0]?.slice(0, 64));
    return invalid(`the key ${key} appears more than once in the request object: send each key once`, id);
  }
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
