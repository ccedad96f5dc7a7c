/**
 * @module
 * The parse stage: a request's text (an HTTP body or a WebSocket frame) as the items to answer,
 * parsed as JSON-RPC 2.0 (shared/jsonrpc/parse.ts). Pure.
 */
import { parseRequest, type RpcItem } from "./parse";

export interface RequestItems {
  /** Whether the answer is one entry (a single request) rather than an array. */
  single: boolean;
  items: RpcItem[];
}

/** Throws the parse error when the text is not a JSON-RPC request at all. */
export function parseItems(text: string): RequestItems {
  const parsed = parseRequest(text);
  if (parsed.kind === "error") throw parsed.error;
  if (parsed.kind === "single") return { single: true, items: [parsed.item] };
  return { single: false, items: parsed.items };
}
