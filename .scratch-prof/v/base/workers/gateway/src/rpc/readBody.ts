/** Reads a JSON-RPC request body as text, refusing non-JSON content types and bodies over the limit. */
import { BodyTooLargeError, UnsupportedMediaTypeError } from "../../../../shared/errors/kinds";

export async function readBody(request: Request, maxBytes: number): Promise<string> {
  const type = request.headers.get("content-type");
  if (type && !/^application\/json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(
      `unsupported content type "${type.slice(0, 64)}": send Content-Type: application/json`,
    );
  }
  const tooLarge = () =>
    new BodyTooLargeError(`request body is larger than ${maxBytes} bytes: split it into smaller requests`);
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (Number(declared) > maxBytes) throw tooLarge();
    return request.text();
  }
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
