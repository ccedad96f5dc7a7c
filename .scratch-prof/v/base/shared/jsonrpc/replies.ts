/**
 * @module
 * Reads an upstream's JSON-RPC response (single or batch) into replies keyed by the gateway's ids,
 * keeping each `result` as raw text.
 */
import type { JsonRpcErrorObject } from "../errors/base";
import { arrayElements, objectMembers, skipWhitespace } from "./scan";

export type UpstreamReply =
  | { readonly ok: true; readonly resultRaw: string }
  | { readonly ok: false; readonly error: JsonRpcErrorObject };

export interface ParseRepliesReturnType {
  /** Replies by the numeric id the gateway sent. */
  readonly byId: Map<number, UpstreamReply>;
  /** An error the upstream sent without a usable id (for example: it refused the whole batch). */
  readonly orphanError: JsonRpcErrorObject | undefined;
}

/** Undefined when the text is not a JSON-RPC response at all. */
export function parseReplies(text: string): ParseRepliesReturnType | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const start = skipWhitespace(text, 0);
  const values = Array.isArray(value) ? value : [value];
  const starts = Array.isArray(value) ? arrayElements(text, start).map((s) => s[0]) : [start];
  const byId = new Map<number, UpstreamReply>();
  let orphanError: JsonRpcErrorObject | undefined;
  for (let i = 0; i < values.length; i++) {
    const reply = values[i] as Record<string, unknown> | null;
    if (typeof reply !== "object" || reply === null || Array.isArray(reply)) return undefined;
    const error = toErrorObject(reply.error);
    if (typeof reply.id !== "number") {
      if (!error) return undefined;
      orphanError = error;
      continue;
    }
    if (error) {
      byId.set(reply.id, { ok: false, error });
      continue;
    }
    const span = objectMembers(text, starts[i] as number).get("result");
    if (!span) return undefined;
    byId.set(reply.id, { ok: true, resultRaw: text.slice(span[0], span[1]) });
  }
  return { byId, orphanError };
}

function toErrorObject(value: unknown): JsonRpcErrorObject | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { code, message, data } = value as Record<string, unknown>;
  return {
    code: typeof code === "number" ? code : -32603,
    message: typeof message === "string" ? message : "",
    ...(data === undefined ? {} : { data }),
  };
}
