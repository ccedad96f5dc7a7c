/** The UTF-8 size of a request's text (a WebSocket frame), counted without encoding it. Pure. */

/** Bytes `text` takes in UTF-8; a lone surrogate counts as the 3 bytes of U+FFFD it is sent as. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: two code units, four bytes.
      i++;
    }
    bytes += 2;
  }
  return bytes;
}

/** Whether `text` is over `maxBytes` in UTF-8; exact, and without a pass over text that cannot be. */
export function utf8Exceeds(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return utf8Length(text) > maxBytes;
}
