/** Bodies read chunk by chunk (a client's request, an upstream's answer, a list), joined once whole. */

/** `chunks`, `size` bytes in all, as one array. */
export function bytesOfChunks(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The UTF-8 text of `chunks`, `size` bytes in all. */
export function textOfChunks(chunks: readonly Uint8Array[], size: number): string {
  return new TextDecoder().decode(bytesOfChunks(chunks, size));
}
