/**
 * @module
 * A key's calls answered with an error, counted by UTC day and JSON-RPC error code (the gateway's own
 * codes, -32005 and the like, and the upstream's, such as 3 or -32000), and added up in the isolate
 * like usage rows before they travel with the usage report. Pure.
 */
import { dayOf } from "./usage";

export interface ErrorCount {
  /** YYYY-MM-DD, UTC. */
  day: string;
  keyId: string;
  /** The `code` of the answer's JSON-RPC error object. */
  code: number;
  count: number;
  /** When the last of these calls was answered (ms). */
  lastAt: number;
}

/** One code's calls over a range of days, as a key's recent errors show them. */
export interface CodeCount {
  code: number;
  count: number;
  lastAt: number;
}

/** The code counted for an error answer whose code is missing or not an integer (JSON-RPC internal error). */
export const UNKNOWN_CODE = -32603;

/** Identifies a count: two counts with the same key are added together. */
export function errorKey(e: Pick<ErrorCount, "day" | "keyId" | "code">): string {
  return `${e.day}|${e.keyId}|${e.code}`;
}

/** Adds `e` into `counts`, into the count with the same key when there is one. */
export function addError(counts: Map<string, ErrorCount>, e: ErrorCount): void {
  const key = errorKey(e);
  const existing = counts.get(key);
  if (!existing) {
    counts.set(key, { ...e });
    return;
  }
  existing.count += e.count;
  existing.lastAt = Math.max(existing.lastAt, e.lastAt);
}

export interface ErrorsOfParameters {
  /** Each call's answer, in order; undefined when the request failed or was refused as a whole. */
  answers: readonly { ok: boolean; code?: number | undefined }[] | undefined;
  /** The code of the whole request's failure or refusal, counted once per call when `answers` is undefined. */
  failedWith?: number | undefined;
  /** The request's calls. */
  calls: number;
  keyId: string;
  now: number;
}

/** The error counts of one request: one per code, none for the calls answered OK. */
export function errorsOf({ answers, failedWith, calls, keyId, now }: ErrorsOfParameters): ErrorCount[] {
  // The common case, every call answered OK, costs one pass and no day computed.
  if (answers ? answers.every((a) => a.ok) : calls === 0) return [];
  const day = dayOf(now);
  const counts = new Map<string, ErrorCount>();
  const add = (code: number | undefined, count: number) =>
    addError(counts, { day, keyId, code: codeOf(code), count, lastAt: now });
  if (answers === undefined) add(failedWith, calls);
  else {
    for (const answer of answers) if (!answer.ok) add(answer.code, 1);
  }
  return [...counts.values()];
}

/** A code as counted: an integer JSON-RPC code, else UNKNOWN_CODE (an upstream may send anything). */
function codeOf(code: number | undefined): number {
  return Number.isSafeInteger(code) ? (code as number) : UNKNOWN_CODE;
}
