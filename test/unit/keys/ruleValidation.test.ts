/** What the admin API accepts as a key's allowlists (problemsOf) and how it stores them (normalizeRules). */
import { describe, expect, test } from "vitest";
import { type KeyRules, MAX_RULE_ENTRIES, normalizeRules, problemsOf } from "../../../shared/keys/keyRules";
import { normalizeOrigin } from "../../../shared/keys/origins";

describe("problemsOf", () => {
  test("accepts valid lists of every kind", () => {
    const rules: KeyRules = {
      allowedOrigins: ["https://app.example.com", "https://*.example.com", "http://localhost:3000"],
      allowedIps: ["203.0.113.7", "203.0.113.0/24", "2001:db8::/32", "::1", "::ffff:1.2.3.4"],
      allowedMethods: ["eth_call", "debug", "eth_signTypedData_v4"],
      allowedContracts: ["0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"],
      allowedChains: ["mainnet", "base-sepolia"],
    };
    expect(problemsOf(rules)).toEqual([]);
    expect(problemsOf({})).toEqual([]);
  });

  test.each([
    ["allowedOrigins", "app.example.com", "not an origin"],
    ["allowedOrigins", "https://app.example.com/", "not an origin"],
    ["allowedOrigins", "https://app.example.com/path", "not an origin"],
    ["allowedOrigins", "null", "not an origin"],
    ["allowedOrigins", "*", "not an origin"],
    ["allowedOrigins", "https://*.com", "not an origin"],
    ["allowedOrigins", "https://a.*.example.com", "not an origin"],
    ["allowedOrigins", "https://*example.com", "not an origin"],
    ["allowedOrigins", "https://app.example.com:0", "not an origin"],
    ["allowedOrigins", "https://app.example.com:65536", "not an origin"],
    ["allowedOrigins", "https://bücher.example", "not an origin"],
    ["allowedIps", "203.0.113.0/33", "not an IP address or CIDR"],
    ["allowedIps", "203.0.113", "not an IP address or CIDR"],
    ["allowedIps", "localhost", "not an IP address or CIDR"],
    ["allowedMethods", "eth call", "not a method name or namespace"],
    ["allowedMethods", "eth_", "not a method name or namespace"],
    ["allowedMethods", "_eth", "not a method name or namespace"],
    ["allowedMethods", "eth_*", "not a method name or namespace"],
    ["allowedContracts", "0x1234", "not an address"],
    ["allowedContracts", "a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "not an address"],
    ["allowedChains", "main net", "not a chain slug"],
    ["allowedChains", "-mainnet", "not a chain slug"],
  ])("%s: %j is %s", (kind, entry, problem) => {
    const problems = problemsOf({ [kind]: [entry] });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(`${kind}[0]: ${problem}`)).toBe(true);
  });

  test("names each bad entry by its index, and never echoes it", () => {
    const problems = problemsOf({ allowedIps: ["203.0.113.7", "10.0.0.0/8", "evil<script>", "1.2.3.4/99"] });
    expect(problems).toEqual([
      "allowedIps[2]: not an IP address or CIDR, e.g. 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32",
      "allowedIps[3]: not an IP address or CIDR, e.g. 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32",
    ]);
  });

  test(`refuses a list over ${MAX_RULE_ENTRIES} entries as a whole`, () => {
    const list = Array.from({ length: MAX_RULE_ENTRIES + 1 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    expect(problemsOf({ allowedIps: list })).toEqual([
      `allowedIps: at most ${MAX_RULE_ENTRIES} entries, this list has ${MAX_RULE_ENTRIES + 1}`,
    ]);
    expect(problemsOf({ allowedIps: list.slice(0, MAX_RULE_ENTRIES) })).toEqual([]);
  });

  test("refuses what is not a list of strings", () => {
    const rules = { allowedChains: "mainnet", allowedMethods: ["eth_call", 7] } as unknown as KeyRules;
    expect(problemsOf(rules)).toEqual([
      "allowedMethods[1]: expected a string",
      "allowedChains: expected a list of strings",
    ]);
  });
});

describe("normalizeRules", () => {
  test.each<[KeyRules, KeyRules]>([
    [
      { allowedOrigins: ["HTTPS://App.Example.com:443", " https://*.Example.org ", "http://localhost:80"] },
      { allowedOrigins: ["https://app.example.com", "https://*.example.org", "http://localhost"] },
    ],
    [
      { allowedIps: ["203.0.113.7/24", "2001:0DB8:0:0::/32", "::ffff:1.2.3.4", "10.0.0.1/32"] },
      { allowedIps: ["203.0.113.0/24", "2001:db8::/32", "1.2.3.4", "10.0.0.1"] },
    ],
    [
      {
        allowedContracts: [
          "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
          "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
        ],
      },
      { allowedContracts: ["0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"] },
    ],
    [
      { allowedMethods: ["eth_getBalance", "debug", "eth_getBalance"] },
      { allowedMethods: ["eth_getBalance", "debug"] },
    ],
    [{ allowedChains: ["Mainnet", "base"] }, { allowedChains: ["mainnet", "base"] }],
    [{ allowedChains: [], allowedIps: ["::1"] }, { allowedIps: ["::1"] }],
  ])("%j is stored as %j", (rules, stored) => {
    expect(normalizeRules(rules)).toEqual(stored);
  });

  test("keeps an invalid entry as written, so its list still refuses what it does not allow", () => {
    expect(normalizeRules({ allowedIps: ["not-an-ip"] })).toEqual({ allowedIps: ["not-an-ip"] });
  });

  test("normalised rules validate and normalise to themselves", () => {
    const stored = normalizeRules({
      allowedOrigins: ["HTTPS://*.Example.com"],
      allowedIps: ["2001:DB8::1/64"],
      allowedContracts: ["0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"],
    });
    expect(problemsOf(stored)).toEqual([]);
    expect(normalizeRules(stored)).toEqual(stored);
  });
});

describe("normalizeOrigin", () => {
  test.each([
    ["https://App.Example.com", "https://app.example.com"],
    ["https://app.example.com:0443", "https://app.example.com"],
    ["http://app.example.com:443", "http://app.example.com:443"],
    ["https://app.example.com:80", "https://app.example.com:80"],
    ["http://[::FFFF:1.2.3.4]", "http://[::ffff:102:304]"],
    ["chrome-extension://abcdefghijklmnop", "chrome-extension://abcdefghijklmnop"],
    ["http://203.0.113.7:8080", "http://203.0.113.7:8080"],
    ["https://xn--bcher-kva.example", "https://xn--bcher-kva.example"],
  ])("%s is %s", (origin, normal) => {
    expect(normalizeOrigin(origin)).toBe(normal);
  });

  test.each(["null", "https://", "https://a.example.com.", "https://-a.example.com", "file:///etc/passwd"])(
    "%j is not an origin",
    (origin) => {
      expect(normalizeOrigin(origin)).toBeUndefined();
    },
  );
});
