/**
 * Reads an upstream's answer as text, up to a byte cap: a larger answer (declared or streamed) is
 * cut off there, so one huge answer cannot exhaust an isolate that serves many tenants.
 */

import { textOfChunks } from "../http/chunks";

/** 32 MiB: the default of a chain's maxResponseBytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The body as text, or undefined when it is over `cap` bytes (the rest is not read). */
export async function readCapped(response: Response, cap: number): Promise<string | undefined> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > cap) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return textOfChunks(chunks, size);
}
