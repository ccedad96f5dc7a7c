/** IPv4 and IPv6 addresses and CIDRs for a key's allowedIps: parsing, canonical text, matching. */
import { describe, expect, test } from "vitest";
import {
  formatRange,
  inRanges,
  ipAllowed,
  parseIp,
  parseIpv4,
  parseIpv6,
  parseRange,
} from "../../../shared/keys/ipRange";

/** Whether `ip` matches `rules`, by the request path's ipAllowed; inRanges over the parsed address must agree. */
function matches(ip: string, ...rules: string[]): boolean {
  const address = parseIp(ip);
  if (address === undefined) throw new Error(`test address ${ip} does not parse`);
  const ranges = rules.map((r) => {
    const range = parseRange(r);
    if (range === undefined) throw new Error(`test rule ${r} does not parse`);
    return range;
  });
  const allowed = ipAllowed(ip, ranges);
  expect(inRanges(address, ranges)).toBe(allowed);
  return allowed;
}

describe("IPv4 addresses", () => {
  test.each([
    ["0.0.0.0", 0],
    ["203.0.113.7", 0xcb007107],
    ["255.255.255.255", 0xffffffff],
    ["10.0.0.1", 0x0a000001],
  ])("%s parses", (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  test.each([
    "256.0.0.1",
    "1.2.3",
    "1.2.3.4.5",
    "1..2.3",
    "01.2.3.4",
    "1.2.3.04",
    " 1.2.3.4",
    "1.2.3.4 ",
    "a.b.c.d",
    "",
    "1.2.3.",
  ])("%j is not an IPv4 address", (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });
});

describe("IPv6 addresses", () => {
  test.each([
    ["::", 0n],
    ["::1", 1n],
    ["2001:db8::1", 0x20010db8_00000000_00000000_00000001n],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", 0x20010db8_00000000_00000000_00000001n],
    ["fe80::", 0xfe80n << 112n],
    ["1:2:3:4:5:6:7:8", 0x0001000200030004_0005000600070008n],
    ["1::8", (1n << 112n) | 8n],
    ["::ffff:1.2.3.4", 0xffff_01020304n],
    ["64:ff9b::192.0.2.33", (0x64n << 112n) | (0xff9bn << 96n) | 0xc0000221n],
  ])("%s parses", (text, value) => {
    expect(parseIpv6(text)).toBe(value);
  });

  test.each([
    ":::",
    "1::2::3",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::8",
    "12345::",
    "::g",
    ":1::",
    "1::2:",
    "fe80::1%eth0",
    "[::1]",
    "1.2.3.4::",
    "::1.2.3.256",
    "",
  ])("%j is not an IPv6 address", (text) => {
    expect(parseIpv6(text)).toBeUndefined();
  });
});

describe("parseIp", () => {
  test("reads an IPv4-mapped IPv6 address as IPv4", () => {
    expect(parseIp("::ffff:1.2.3.4")).toEqual({ v: 4, n: 0x01020304 });
    expect(parseIp("::ffff:102:304")).toEqual({ v: 4, n: 0x01020304 });
    expect(parseIp("0:0:0:0:0:ffff:1.2.3.4")).toEqual({ v: 4, n: 0x01020304 });
  });

  test("keeps other IPv6 addresses, the IPv4-compatible form included, as IPv6", () => {
    expect(parseIp("::1.2.3.4")).toEqual({ v: 6, n: 0x01020304n });
    expect(parseIp("::1")).toEqual({ v: 6, n: 1n });
  });

  test.each(["localhost", "unknown", "1.2.3.4:80", "[::1]:80", "fe80::1%1", ""])("%j is invalid", (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

test("ipAllowed refuses what is not an address, and reuses no state between calls", () => {
  const ranges = ["::/0", "0.0.0.0/0"].map(
    (r) => parseRange(r) as NonNullable<ReturnType<typeof parseRange>>,
  );
  for (const text of ["", "::g", "1::2::3", "fe80::1%eth0", "localhost", "1.2.3.4.5"]) {
    expect(ipAllowed(text, ranges)).toBe(false);
  }
  const narrow = [parseRange("2001:db8::/32") as NonNullable<ReturnType<typeof parseRange>>];
  expect(ipAllowed("2001:db8::1", narrow)).toBe(true);
  expect(ipAllowed("1::2::3", narrow)).toBe(false);
  expect(ipAllowed("2001:db9::1", narrow)).toBe(false);
  expect(ipAllowed("2001:db8::", narrow)).toBe(true);
});

describe("canonical ranges", () => {
  test.each([
    ["203.0.113.7", "203.0.113.7"],
    ["203.0.113.7/32", "203.0.113.7"],
    ["203.0.113.0/24", "203.0.113.0/24"],
    ["203.0.113.7/24", "203.0.113.0/24"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["2001:db8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8::1/128", "2001:db8::1"],
    ["2001:db8:ffff::/33", "2001:db8:8000::/33"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::ffff:1.2.3.0/120", "1.2.3.0/24"],
    ["::ffff:0:0/96", "0.0.0.0/0"],
    ["::/0", "::/0"],
    ["::", "::"],
    ["1:0:0:2::", "1:0:0:2::"],
  ])("%s is %s", (text, canonical) => {
    const range = parseRange(text);
    expect(range && formatRange(range)).toBe(canonical);
  });

  test.each([
    "203.0.113.0/33",
    "2001:db8::/129",
    "203.0.113.0/",
    "203.0.113.0/024",
    "203.0.113.0/-1",
    "203.0.113.0/24/8",
    "/24",
    "example.com",
    "2001:db8::/x",
  ])("%j is not a range", (text) => {
    expect(parseRange(text)).toBeUndefined();
  });
});

describe("matching", () => {
  test.each([
    ["203.0.113.7", ["203.0.113.7"], true],
    ["203.0.113.8", ["203.0.113.7"], false],
    ["203.0.113.0", ["203.0.113.0/24"], true],
    ["203.0.113.255", ["203.0.113.0/24"], true],
    ["203.0.114.0", ["203.0.113.0/24"], false],
    ["203.0.112.255", ["203.0.113.0/24"], false],
    ["255.255.255.255", ["128.0.0.0/1"], true],
    ["127.255.255.255", ["128.0.0.0/1"], false],
    ["8.8.8.8", ["0.0.0.0/0"], true],
    ["10.1.2.3", ["192.168.0.0/16", "10.0.0.0/8"], true],
  ])("IPv4 %s against %j: %s", (ip, rules, expected) => {
    expect(matches(ip, ...rules)).toBe(expected);
  });

  test.each([
    ["2001:db8::1", ["2001:db8::/32"], true],
    ["2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", ["2001:db8::/32"], true],
    ["2001:db9::", ["2001:db8::/32"], false],
    ["2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", ["2001:db8::/32"], false],
    ["2001:db8:0:0:8000::", ["2001:db8::/65"], false],
    ["2001:db8::7fff:ffff:ffff:ffff", ["2001:db8::/65"], true],
    ["::1", ["::1"], true],
    ["0:0:0:0:0:0:0:1", ["::1"], true],
    ["::2", ["::1"], false],
    ["2606:4700::1", ["::/0"], true],
  ])("IPv6 %s against %j: %s", (ip, rules, expected) => {
    expect(matches(ip, ...rules)).toBe(expected);
  });

  test("an IPv4-mapped client matches IPv4 rules, and a mapped rule matches an IPv4 client", () => {
    expect(matches("::ffff:203.0.113.9", "203.0.113.0/24")).toBe(true);
    expect(matches("::ffff:cb00:7109", "203.0.113.0/24")).toBe(true);
    expect(matches("::ffff:203.0.114.9", "203.0.113.0/24")).toBe(false);
    expect(matches("203.0.113.9", "::ffff:203.0.113.0/120")).toBe(true);
  });

  test("families do not mix: ::/0 matches no IPv4 client, 0.0.0.0/0 no IPv6 client", () => {
    expect(matches("1.2.3.4", "::/0")).toBe(false);
    expect(matches("::ffff:1.2.3.4", "::/0")).toBe(false);
    expect(matches("::1", "0.0.0.0/0")).toBe(false);
    expect(matches("::1.2.3.4", "1.2.3.4")).toBe(false);
  });
});
