/** Upstream URLs and their secret parts, and their removal from text. */
import { describe, expect, test } from "vitest";
import { redact, secretsOf } from "../../../shared/errors/redact";

describe("secretsOf", () => {
  test("takes the whole URL, the host and the key in the path", () => {
    const url = "https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456";
    expect(secretsOf(url)).toEqual([url, "eth-mainnet.g.alchemy.com", "AbCdEf123456"]);
  });

  test("takes query values and leaves out parts too short to be secrets", () => {
    const url = "https://user:pass@host/path?apikey=xyz12345";
    expect(secretsOf(url)).toEqual([url, "xyz12345", "host"]);
  });

  test("takes user info long enough to be a secret, decoded", () => {
    const secrets = secretsOf("https://rpcuser:s3cr%40tpass@node.example.org:8545/");
    expect(secrets).toContain("rpcuser");
    expect(secrets).toContain("s3cr@tpass");
    expect(secrets).toContain("node.example.org:8545");
  });

  test("takes the project id of a WebSocket URL", () => {
    const url = "wss://mainnet.infura.io/ws/v3/0123456789abcdef0123456789abcdef";
    expect(secretsOf(url)).toEqual([url, "0123456789abcdef0123456789abcdef", "mainnet.infura.io"]);
  });

  test("takes a query value holding a percent sign as it is, and keeps collecting after it", () => {
    const secrets = secretsOf("https://rpc.example.org/?key=ab%25cd1234&token=zz99yy88xx");
    expect(secrets).toContain("ab%cd1234");
    expect(secrets).toContain("zz99yy88xx");
  });

  test("keeps collecting after a path segment that is not valid percent-encoding", () => {
    const secrets = secretsOf("https://rpc.example.org/%zzsecret/?apikey=later12345");
    expect(secrets).toContain("%zzsecret");
    expect(secrets).toContain("later12345");
  });

  test("treats a string that is not a URL as one secret", () => {
    expect(secretsOf("not a url")).toEqual(["not a url"]);
  });

  test("lists longer secrets first so a URL goes before its parts", () => {
    const lengths = secretsOf("https://a.example.com/v3/0123456789?x=abcdefgh").map((s) => s.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
  });
});

describe("redact", () => {
  test.each([
    [
      "an https URL",
      "failed: https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456 refused",
      "failed: [redacted-url] refused",
    ],
    ["an http URL", "dial http://10.0.0.5:8545/ timeout", "dial [redacted-url] timeout"],
    ["a wss URL", "ws wss://mainnet.infura.io/ws/v3/abc closed", "ws [redacted-url] closed"],
    ["an uppercase scheme", "see HTTPS://Example.com/x", "see [redacted-url]"],
    ["a URL in quotes", 'url "https://a.b/c" bad', 'url "[redacted-url]" bad'],
  ])("replaces %s", (_, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  test("replaces each secret wherever it appears", () => {
    const secrets = secretsOf("https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456");
    expect(redact("key AbCdEf123456 on eth-mainnet.g.alchemy.com (AbCdEf123456)", secrets)).toBe(
      "key [redacted] on [redacted] ([redacted])",
    );
  });

  test("leaves text without URLs or secrets unchanged", () => {
    expect(redact("execution reverted: Ownable: caller is not the owner", ["AbCdEf123456"])).toBe(
      "execution reverted: Ownable: caller is not the owner",
    );
  });

  test("ignores an empty secret", () => {
    expect(redact("nonce too low", [""])).toBe("nonce too low");
  });
});
