/**
 * @module
 * How many EIP-7702 authorizations a signed type-4 transaction says it carries, read from its RLP
 * headers alone (no field decoded), so one over the cap is refused before it is parsed: parsing
 * 10,000 authorizations costs far more than counting them. Anything it cannot read is left to the
 * parser, which refuses it or counts again. Pure.
 */

/** The authorization list's position among the fields of a type-4 transaction's payload. */
const AUTHORIZATION_LIST_FIELD = 9;

/** The count, or undefined when `raw` is not a type-4 transaction whose headers read cleanly. */
export function authorizationCount(raw: string): number | undefined {
  if (!raw.startsWith("0x04")) return undefined;
  const hex = raw.slice(4);
  const outer = itemAt(hex, 0);
  if (!outer?.list || outer.end !== hex.length) return undefined;
  let at = outer.start;
  for (let field = 0; field < AUTHORIZATION_LIST_FIELD; field++) {
    const item = itemAt(hex, at, outer.end);
    if (!item) return undefined;
    at = item.end;
  }
  const authorizations = itemAt(hex, at, outer.end);
  if (!authorizations?.list) return undefined;
  let count = 0;
  for (at = authorizations.start; at < authorizations.end; count++) {
    const item = itemAt(hex, at, authorizations.end);
    if (!item) return undefined;
    at = item.end;
  }
  return count;
}

/** The RLP item whose header starts at hex offset `at`: where its payload starts and ends (offsets), within `limit`. */
function itemAt(hex: string, at: number, limit = hex.length) {
  const first = byteAt(hex, at);
  if (first === undefined) return undefined;
  const list = first >= 0xc0;
  const short = list ? first - 0xc0 : first - 0x80;
  let start = at + 2;
  let length: number;
  if (first < 0x80) {
    start = at;
    length = 1;
  } else if (short <= 55) {
    length = short;
  } else {
    const lengthBytes = short - 55;
    // Longer than 4 bytes of length: more than any body the gateway reads.
    if (lengthBytes > 4) return undefined;
    length = 0;
    for (let i = 0; i < lengthBytes; i++) {
      const byte = byteAt(hex, start + 2 * i);
      if (byte === undefined) return undefined;
      length = length * 256 + byte;
    }
    start += 2 * lengthBytes;
  }
  const end = start + 2 * length;
  return end <= limit ? { list, start, end } : undefined;
}

function byteAt(hex: string, at: number): number | undefined {
  if (at + 2 > hex.length) return undefined;
  const byte = Number.parseInt(hex.slice(at, at + 2), 16);
  return Number.isNaN(byte) ? undefined : byte;
}
