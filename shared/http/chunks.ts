/** Bodies read chunk by chunk (a client's request, an upstream's answer), decoded once whole. */

/** The UTF-8 text of `chunks`, `size` bytes in all. */
export function textOfChunks(chunks: readonly Uint8Array[], size: number): string {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
