// The egress guard on URL text alone: no connection is opened to any address below.
import { describe, expect, it } from "vitest";
import { egressError, egressPolicyOf } from "../../../shared/http/egress";

const PUBLIC = egressPolicyOf("public");
const LOOPBACK = egressPolicyOf("loopback");

/** url, allowed under "public", allowed under "loopback", what the refusal must mention. */
const TABLE: [string, boolean, boolean, string?][] = [
  // Named public hosts.
  ["https://rpc.example.com/v1/abc", true, true],
  ["wss://rpc.example.com/ws", true, true],
  ["https://api.avax.network/ext/bc/P", true, true],
  ["https://EXAMPLE.com:8443/x?key=1", true, true],
  ["http://rpc.example.com/", false, true, "https"],
  ["ws://rpc.example.com/", false, true, "https"],
  ["ftp://rpc.example.com/", false, false, "http(s) or ws(s)"],
  ["file:///etc/passwd", false, false, "http(s) or ws(s)"],
  ["not a url", false, false, "not a URL"],
  // Userinfo.
  ["https://user:pass@rpc.example.com/", false, false, "user name or password"],
  ["https://user@rpc.example.com/", false, false, "user name or password"],
  ["https://:pass@rpc.example.com/", false, false, "user name or password"],
  ["http://user@127.0.0.1:8545/", false, false, "user name or password"],
  // Loopback, in every IPv4 spelling a URL parser turns into 127.0.0.1.
  ["http://127.0.0.1:8545/", false, true, "loopback"],
  ["http://127.9.9.9/", false, true, "loopback"],
  ["http://2130706433/", false, true, "127.0.0.1"],
  ["http://0x7f000001/", false, true, "127.0.0.1"],
  ["http://0177.0.0.1/", false, true, "127.0.0.1"],
  ["http://0x7f.0.0.0x1/", false, true, "127.0.0.1"],
  ["http://127.1/", false, true, "127.0.0.1"],
  ["http://%31%32%37.0.0.1/", false, true, "127.0.0.1"],
  ["http://１２７.0.0.1/", false, true, "127.0.0.1"],
  ["https://127.0.0.1./", false, true, "loopback"],
  ["http://[::1]:8545/", false, true, "loopback"],
  ["http://[0:0:0:0:0:0:0:1]/", false, true, "[::1]"],
  ["http://localhost:8545/", false, true, "loopback"],
  ["http://LOCALHOST./", false, true, "loopback"],
  ["http://node.localhost/", false, true, "loopback"],
  // IPv4-mapped and IPv4-compatible IPv6 loopback: IP literals, never the loopback exception.
  ["http://[::ffff:127.0.0.1]/", false, false, "[::ffff:7f00:1]"],
  ["http://[::ffff:7f00:1]/", false, false, "IP address"],
  ["http://[::127.0.0.1]/", false, false, "IP address"],
  // Unspecified, private, link-local, CGNAT, multicast, metadata, public literals.
  ["http://0/", false, false, "0.0.0.0"],
  ["http://0.0.0.0:8545/", false, false, "IP address"],
  ["http://[::]/", false, false, "IP address"],
  ["https://10.0.0.1/", false, false, "IP address"],
  ["https://172.16.5.4/", false, false, "IP address"],
  ["https://192.168.1.1/", false, false, "IP address"],
  ["http://3232235521/", false, false, "192.168.0.1"],
  ["http://169.254.169.254/latest/meta-data/", false, false, "IP address"],
  ["http://0xa9.0xfe.0xa9.0xfe/", false, false, "169.254.169.254"],
  ["http://100.64.0.1/", false, false, "IP address"],
  ["http://224.0.0.1/", false, false, "IP address"],
  ["https://8.8.8.8/", false, false, "IP address"],
  ["https://[fd00::1]/", false, false, "IP address"],
  ["https://[fe80::1]/", false, false, "IP address"],
  ["https://[ff02::1]/", false, false, "IP address"],
  ["https://[fd00:ec2::254]/", false, false, "IP address"],
  ["https://[2001:4860:4860::8888]/", false, false, "IP address"],
  // Local and internal names.
  ["http://metadata.google.internal/computeMetadata/v1/", false, false, "internal"],
  ["https://metadata.google.internal./", false, false, "internal"],
  ["https://db.corp.internal/", false, false, "internal"],
  ["https://printer.local/", false, false, "local"],
  ["https://1.0.0.127.in-addr.arpa/", false, false, "local"],
  ["https://metadata/", false, false, "single label"],
  ["https://anvil:8545/", false, false, "single label"],
];

describe("egressError", () => {
  it("has a table of at least 30 spellings", () => expect(TABLE.length).toBeGreaterThanOrEqual(30));

  for (const [url, publicOk, loopbackOk, mention] of TABLE) {
    it(`${url}: public ${publicOk ? "allows" : "refuses"}, loopback ${loopbackOk ? "allows" : "refuses"}`, () => {
      const underPublic = egressError(url, PUBLIC);
      const underLoopback = egressError(url, LOOPBACK);
      expect(underPublic === undefined).toBe(publicOk);
      expect(underLoopback === undefined).toBe(loopbackOk);
      if (mention) expect(underPublic).toContain(mention);
      if (mention && !loopbackOk) expect(underLoopback).toContain(mention);
    });
  }
});

describe("egressPolicyOf", () => {
  it("production refuses http and loopback; the local setting allows both", () => {
    expect(PUBLIC).toEqual({ allowLoopback: false, requireHttps: true });
    expect(LOOPBACK).toEqual({ allowLoopback: true, requireHttps: false });
  });
});
