/**
 * @module
 * IPv4 and IPv6 addresses and CIDR ranges, parsed, printed canonically and matched, for a key's
 * `allowedIps`. An IPv4 address is a 32-bit number (no allocation to parse or match one); an IPv6
 * address a 128-bit BigInt. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`), and a range inside
 * `::ffff:0:0/96` with a prefix of at least 96, are taken as IPv4, so they match IPv4 rules; other
 * IPv6 ranges (`::/0` included) match only IPv6 clients. IPv4 octets with leading zeros (read as
 * octal by some parsers), zone ids (`fe80::1%eth0`) and brackets are refused. Pure.
 */

export type IpAddress = { readonly v: 4; readonly n: number } | { readonly v: 6; readonly n: bigint };

/**
 * `net` has its host bits cleared; `prefix` is 0..32 (IPv4) or 0..128 (IPv6). An IPv6 range also
 * holds its net and mask as 8 groups, to match a client address without a BigInt.
 */
export type IpRange =
  | { readonly v: 4; readonly net: number; readonly mask: number; readonly prefix: number }
  | {
      readonly v: 6;
      readonly net: bigint;
      readonly mask: bigint;
      readonly prefix: number;
      readonly netGroups: Uint16Array;
      readonly maskGroups: Uint16Array;
    };

const ALL_128 = (1n << 128n) - 1n;

/** The 32-bit value of a dotted-quad IPv4 address, or undefined. Allocation-free. */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // a leading zero: "01"
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Moves the groups read after `::` to the end of `out` and zeroes the gap; false when nothing is left for `::`. */
function closeGap(out: Uint16Array, count: number, gap: number): boolean {
  if (gap === -1) return count === 8;
  if (count > 7) return false;
  const tail = count - gap;
  for (let k = 0; k < tail; k++) out[7 - k] = out[count - 1 - k] as number;
  out.fill(0, gap, 8 - tail);
  return true;
}

/**
 * Reads an IPv6 address in any RFC 4291 text form into 8 groups; false when it is not one.
 * Allocation-free but for a dotted IPv4 tail.
 */
function readIpv6(text: string, out: Uint16Array): boolean {
  const length = text.length;
  if (length < 2 || length > 45) return false;
  let i = 0;
  let count = 0;
  let gap = -1;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < length) {
    const start = i;
    let value = 0;
    for (let h = hexDigit(text.charCodeAt(i)); h >= 0 && i < length; h = hexDigit(text.charCodeAt(++i))) {
      value = value * 16 + h;
    }
    if (text.charCodeAt(i) === 46) {
      const v4 = count <= 6 ? parseIpv4(text.slice(start)) : undefined;
      if (v4 === undefined) return false;
      out[count++] = v4 >>> 16;
      out[count++] = v4 & 0xffff;
      break;
    }
    if (i === start || i - start > 4 || count === 8) return false;
    out[count++] = value;
    if (i === length) break;
    if (text.charCodeAt(i++) !== 58 || i === length) return false;
    if (text.charCodeAt(i) === 58) {
      if (gap !== -1) return false;
      gap = count;
      i++;
    }
  }
  return closeGap(out, count, gap);
}

/** Scratch groups for the request path: parsing a client address allocates nothing. */
const scratch = new Uint16Array(8);

/** The 128-bit value of an IPv6 address in any RFC 4291 text form, or undefined. */
export function parseIpv6(text: string): bigint | undefined {
  const groups = new Uint16Array(8);
  if (!readIpv6(text, groups)) return undefined;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/** Whether a 128-bit value is IPv4-mapped (`::ffff:a.b.c.d`). */
const isMapped = (value: bigint) => value >> 32n === 0xffffn;

/** An address as the client or a rule writes it; IPv4-mapped IPv6 comes back as IPv4. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { v: 4, n: v4 };
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  return isMapped(v6) ? { v: 4, n: Number(v6 & 0xffffffffn) } : { v: 6, n: v6 };
}

function v4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function v6Mask(prefix: number): bigint {
  return ALL_128 ^ ((1n << BigInt(128 - prefix)) - 1n);
}

/**
 * A rule's address or CIDR (`203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`), host bits cleared
 * (`203.0.113.7/24` is `203.0.113.0/24`); an address alone is a range of one. Undefined when invalid.
 */
export function parseRange(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  if (prefixText !== undefined && !/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const v4 = parseIpv4(addressText);
  if (v4 !== undefined) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    if (prefix > 32) return undefined;
    const mask = v4Mask(prefix);
    return { v: 4, net: (v4 & mask) >>> 0, mask, prefix };
  }
  const v6 = parseIpv6(addressText);
  if (v6 === undefined) return undefined;
  const prefix = prefixText === undefined ? 128 : Number(prefixText);
  if (prefix > 128) return undefined;
  if (isMapped(v6) && prefix >= 96) {
    const mask = v4Mask(prefix - 96);
    return { v: 4, net: (Number(v6 & 0xffffffffn) & mask) >>> 0, mask, prefix: prefix - 96 };
  }
  const mask = v6Mask(prefix);
  const net = v6 & mask;
  return { v: 6, net, mask, prefix, netGroups: toGroups(net), maskGroups: toGroups(mask) };
}

function toGroups(value: bigint): Uint16Array {
  const groups = new Uint16Array(8);
  for (let i = 0; i < 8; i++) groups[i] = Number((value >> BigInt(112 - 16 * i)) & 0xffffn);
  return groups;
}

function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952: lower-case, no leading zeros, the longest run of two or more zero groups as `::` (the first on a tie). */
export function formatIpv6(value: bigint): string {
  const parts: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) parts.push(Number((value >> shift) & 0xffffn));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = parts.map((p) => p.toString(16));
  if (best === -1) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}

/** The canonical text of a range: the address alone for a range of one, else `address/prefix`. */
export function formatRange(range: IpRange): string {
  const address = range.v === 4 ? formatIpv4(range.net) : formatIpv6(range.net);
  const full = range.v === 4 ? 32 : 128;
  return range.prefix === full ? address : `${address}/${range.prefix}`;
}

/** Whether `ip` lies in one of `ranges`. */
export function inRanges(ip: IpAddress, ranges: readonly IpRange[]): boolean {
  for (const range of ranges) {
    if (ip.v === 4 && range.v === 4) {
      if ((ip.n & range.mask) >>> 0 === range.net) return true;
    } else if (ip.v === 6 && range.v === 6 && (ip.n & range.mask) === range.net) return true;
  }
  return false;
}

function v4InRanges(n: number, ranges: readonly IpRange[]): boolean {
  for (const range of ranges) if (range.v === 4 && (n & range.mask) >>> 0 === range.net) return true;
  return false;
}

function v6InRange(groups: Uint16Array, range: Extract<IpRange, { v: 6 }>): boolean {
  for (let i = 0; i < 8; i++) {
    if (((groups[i] as number) & (range.maskGroups[i] as number)) !== range.netGroups[i]) return false;
  }
  return true;
}

/**
 * Whether `text`, a client address (CF-Connecting-IP), lies in one of `ranges`; false when it is not
 * an address. The request path's check: it allocates nothing (but for an IPv6 address's dotted tail).
 */
export function ipAllowed(text: string, ranges: readonly IpRange[]): boolean {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return v4InRanges(v4, ranges);
  if (!readIpv6(text, scratch)) return false;
  if (scratch[0] === 0 && scratch[1] === 0 && scratch[2] === 0 && scratch[3] === 0 && scratch[4] === 0) {
    if (scratch[5] === 0xffff)
      return v4InRanges((scratch[6] as number) * 65536 + (scratch[7] as number), ranges);
  }
  for (const range of ranges) if (range.v === 6 && v6InRange(scratch, range)) return true;
  return false;
}
