/**
 * Reads a JSON-RPC request body as text, refusing non-JSON content types, a malformed Content-Length
 * and bodies over the limit; an oversized body is read (up to a bound) before it is refused.
 */

import {
  BodyTooLargeError,
  InvalidRequestError,
  UnsupportedMediaTypeError,
} from "../../../../shared/errors/kinds";
import { textOfChunks } from "../../../../shared/http/chunks";

/**
 * The most of an oversized body read before the 413 is sent: 4 times the limit, at most 8 MiB.
 * Clients that send the whole body before reading the answer (Node's fetch) would otherwise see the
 * connection reset instead of the 413; beyond the bound the rest is left unread.
 */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;

export async function readBody(request: Request, maxBytes: number): Promise<string> {
  const type = request.headers.get("content-type");
  if (type && !/^application\/json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(
      `unsupported content type "${type.slice(0, 64)}": send Content-Type: application/json`,
    );
  }
  const declared = declaredLength(request.headers);
  if (declared !== undefined && declared <= maxBytes) return request.text();
  if (!request.body) return "";
  const bound = Math.max(maxBytes + 1, Math.min(4 * maxBytes, DRAIN_MAX_BYTES));
  const { chunks, size } = await readUpTo(request.body, maxBytes, bound);
  if (size > maxBytes || (declared !== undefined && declared > maxBytes)) {
    throw new BodyTooLargeError(
      `request body is larger than ${maxBytes} bytes: split it into smaller requests`,
    );
  }
  return textOfChunks(chunks, size);
}

/** The Content-Length header as a number; undefined when absent; refused unless a non-negative integer. */
function declaredLength(headers: Headers): number | undefined {
  const header = headers.get("content-length");
  if (header === null) return undefined;
  if (!/^[0-9]+$/.test(header)) {
    throw new InvalidRequestError(
      `invalid Content-Length header "${header.slice(0, 64)}": send the body's length in bytes as a non-negative integer, or leave the header out`,
    );
  }
  return Number(header);
}

/** Reads the body, keeping its chunks while it is within `keep` bytes, and stops once `bound` bytes are read. */
async function readUpTo(
  body: ReadableStream<Uint8Array>,
  keep: number,
  bound: number,
): Promise<{ chunks: Uint8Array[]; size: number }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { chunks, size };
    size += value.byteLength;
    if (size <= keep) chunks.push(value);
    if (size >= bound) {
      reader.cancel().catch(() => {});
      return { chunks: [], size };
    }
  }
}
