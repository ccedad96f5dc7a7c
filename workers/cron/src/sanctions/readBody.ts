/**
 * @module
 * A list's body read as a stream up to a byte cap: refused before reading when its Content-Length is
 * over the cap, and as soon as the bytes read pass it otherwise (never buffered whole first).
 */

/** The body of `res`, at most `maxBytes` long; throws `list body over <maxBytes> bytes` past it. */
export async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const over = () => new Error(`list body over ${maxBytes} bytes`);
  const declared = res.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw over();
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw over();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
