/**
 * Reads a body up to a byte cap (an upstream's answer, a sanctions list): a larger body, declared or
 * streamed, is cut off there and the rest is not read, so one huge body cannot exhaust an isolate.
 */

import { bytesOfChunks, textOfChunks } from "./chunks";

/** 32 MiB: the default of a chain's maxResponseBytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The body's chunks, or undefined when it is over `cap` bytes. */
async function chunksCapped(
  response: Response,
  cap: number,
): Promise<{ chunks: Uint8Array[]; size: number } | undefined> {
  const declared = declaredLength(response);
  if (declared !== undefined && declared > cap) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  if (!response.body) return { chunks, size: 0 };
  const reader = response.body.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return { chunks, size };
}

/**
 * The body's length in bytes as it will be read: its Content-Length, when the body is not encoded
 * (the runtime decodes gzip and brotli, so an encoded body's length says nothing of the text's).
 */
function declaredLength(response: Response): number | undefined {
  const header = response.headers.get("content-length");
  if (header === null) return undefined;
  const encoding = response.headers.get("content-encoding");
  if (encoding !== null && encoding !== "identity") return undefined;
  const declared = Number(header);
  return Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
}

/**
 * The body as text, or undefined when it is over `cap` bytes. A body that declares its length
 * within the cap is read whole by the runtime (the framing holds it to that length), a third of the
 * CPU of reading it chunk by chunk here.
 */
export async function readCapped(response: Response, cap: number): Promise<string | undefined> {
  const declared = declaredLength(response);
  if (declared !== undefined && declared <= cap) return response.text();
  const read = await chunksCapped(response, cap);
  return read && textOfChunks(read.chunks, read.size);
}

/** The body's bytes, or undefined when it is over `cap` bytes. */
export async function readCappedBytes(response: Response, cap: number): Promise<Uint8Array | undefined> {
  const read = await chunksCapped(response, cap);
  return read && bytesOfChunks(read.chunks, read.size);
}
