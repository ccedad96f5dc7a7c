/**
 * @module
 * Builds JSON-RPC responses as text around raw ids and results, without re-serialising them.
 */
import type { JsonRpcErrorObject } from "../errors/base";

/** A response entry with the caller's raw id and either a raw result or an error object. */
export function resultEntry(id: string, resultRaw: string): string {
  return `{"jsonrpc":"2.0","id":${id},"result":${resultRaw}}`;
}

export function errorEntry(id: string, error: JsonRpcErrorObject | string): string {
  const raw = typeof error === "string" ? error : JSON.stringify(error);
  return `{"jsonrpc":"2.0","id":${id},"error":${raw}}`;
}

/** The body of a request to an upstream, with the gateway's own numeric id. */
export function requestEntry(id: number, method: string, paramsRaw: string | undefined): string {
  const params = paramsRaw === undefined ? "" : `,"params":${paramsRaw}`;
  return `{"jsonrpc":"2.0","id":${id},"method":${JSON.stringify(method)}${params}}`;
}
