/**
 * @module
 * The API key format, checked without I/O. New keys: `rpc_` + 32 base64url characters (24 random
 * bytes) + a 6-character base62 CRC-32 of those 32 characters. Keys made before the checksum
 * (`rpc_` + 32 base64url characters, nothing after) are still accepted as they are.
 */
import { toBase64Url } from "../crypto/hash";

export const KEY_PREFIX = "rpc_";
const RANDOM_BYTES = 24;
const RANDOM_CHARS = 32;
const CHECKSUM_CHARS = 6;
const LEGACY_KEY = /^rpc_[A-Za-z0-9_-]{32}$/;
const CHECKSUMMED_KEY = /^rpc_([A-Za-z0-9_-]{32})([A-Za-z0-9]{6})$/;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `checksummed`: the new format with a matching checksum; `legacy`: the old shape; else `malformed`. */
export type KeyShape = "checksummed" | "legacy" | "malformed";

/** Which format a presented key has; a key that is `malformed` can match no stored key. */
export function keyShape(key: string): KeyShape {
  if (LEGACY_KEY.test(key)) return "legacy";
  const match = CHECKSUMMED_KEY.exec(key);
  if (match && checksumOf(match[1] as string) === match[2]) return "checksummed";
  return "malformed";
}

/** The key made from these random bytes (24 of them), with its checksum. */
export function formatKey(random: Uint8Array): string {
  if (random.length !== RANDOM_BYTES) throw new RangeError(`a key takes ${RANDOM_BYTES} random bytes`);
  const body = toBase64Url(random);
  return `${KEY_PREFIX}${body}${checksumOf(body)}`;
}

/** A fresh API key in the current format. */
export function newApiKey(): string {
  return formatKey(crypto.getRandomValues(new Uint8Array(RANDOM_BYTES)));
}

function checksumOf(body: string): string {
  if (body.length !== RANDOM_CHARS) throw new RangeError("a key's random part is 32 characters");
  let n = crc32(body);
  let out = "";
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 (IEEE) of an ASCII string, as an unsigned integer. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
