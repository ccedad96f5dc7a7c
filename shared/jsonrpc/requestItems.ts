/**
 * @module
 * A request's text as the calls to answer, over HTTP and WebSocket alike: parsed as JSON-RPC 2.0,
 * and a batch over the plan's size refused whole.
 */
import { BatchTooLargeError } from "../errors/kinds";
import type { KeyContext } from "../keys/resolveKey";
import { parseRequest, type RpcItem } from "./parse";

export interface RequestItems {
  /** Whether the answer is one entry (a single request) rather than an array. */
  single: boolean;
  items: RpcItem[];
}

/** Throws the parse error, or the batch's size error. */
export function itemsOf(text: string, key: KeyContext): RequestItems {
  const parsed = parseRequest(text);
  if (parsed.kind === "error") throw parsed.error;
  if (parsed.kind === "single") return { single: true, items: [parsed.item] };
  if (parsed.items.length > key.maxBatch) {
    throw new BatchTooLargeError(
      `batch of ${parsed.items.length} requests exceeds this plan's limit of ${key.maxBatch}: split it into smaller batches`,
    );
  }
  return { single: false, items: parsed.items };
}

/** The response text of answered items: the one entry, the array, or undefined when none is due. */
export function responseOf(single: boolean, entries: readonly (string | undefined)[]): string | undefined {
  const due = entries.filter((e): e is string => e !== undefined);
  if (due.length === 0) return undefined;
  return single ? due[0] : `[${due.join(",")}]`;
}
