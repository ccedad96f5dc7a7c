/** A key's allowlists at the request level (origin, client address, chain) and per call (method), and their refusals. */
import { describe, expect, test } from "vitest";
import { GatewayError } from "../../../shared/errors/base";
import { checkCall, checkRequest, compileRules, type KeyRules } from "../../../shared/keys/keyRules";

interface RequestFacts {
  origin: string | null;
  ip: string | null;
  chain: string;
}

const base: RequestFacts = { origin: "https://app.example.com", ip: "203.0.113.7", chain: "mainnet" };

function requestCode(rules: KeyRules, request: Partial<RequestFacts>) {
  return checkRequest(compileRules(rules), { ...base, ...request })?.code;
}

describe("origins", () => {
  const rules: KeyRules = {
    allowedOrigins: ["https://app.example.com", "https://*.example.org", "http://localhost:3000"],
  };

  test.each([
    ["https://app.example.com", true],
    ["HTTPS://APP.EXAMPLE.COM", true],
    ["https://app.example.com:443", true],
    ["http://app.example.com", false],
    ["https://app.example.com:8443", false],
    ["https://other.example.com", false],
    ["https://example.com", false],
    ["https://app.example.com.evil.io", false],
    ["https://evilapp.example.com", false],
    ["https://app.example.com/", false],
    ["https://app.example.com/path", false],
    ["https://user@app.example.com", false],
    ["null", false],
    ["", false],
    ["http://localhost:3000", true],
    ["http://localhost", false],
    ["http://localhost:3001", false],
  ])("exact: %j allowed %s", (origin, allowed) => {
    expect(requestCode(rules, { origin })).toBe(allowed ? undefined : "origin_not_allowed");
  });

  test.each([
    ["https://a.example.org", true],
    ["https://a.b.example.org", true],
    ["https://A.Example.ORG", true],
    ["https://a.example.org:443", true],
    ["https://example.org", false],
    ["https://evilexample.org", false],
    ["https://a.evilexample.org", false],
    ["https://example.org.evil.io", false],
    ["https://a.example.org.evil.io", false],
    ["http://a.example.org", false],
    ["https://a.example.org:8443", false],
    ["https://.example.org", false],
    ["https://a..example.org", false],
    ["https://*.example.org", false],
    ["https://-a.example.org", false],
    ["https://a-.example.org", false],
    ["https://a-b.example.org", true],
    ["https://a_b.example.org", false],
    ["https://a/.example.org", false],
    ["https://evil.io/.example.org", false],
    ["https://evil.io?.example.org", false],
    ["https://evil.io#.example.org", false],
    ["https://a.example.org:80", false],
  ])("wildcard https://*.example.org: %j allowed %s", (origin, allowed) => {
    expect(requestCode(rules, { origin })).toBe(allowed ? undefined : "origin_not_allowed");
  });

  test("a wildcard with a port matches subdomains on that port only", () => {
    const withPort: KeyRules = { allowedOrigins: ["https://*.example.com:8443"] };
    expect(requestCode(withPort, { origin: "https://a.example.com:8443" })).toBeUndefined();
    expect(requestCode(withPort, { origin: "https://a.example.com" })).toBe("origin_not_allowed");
  });

  test("http's default port is dropped, and IPv6 hosts compare in canonical form", () => {
    const more: KeyRules = { allowedOrigins: ["http://app.example.com:80", "http://[0:0::1]:8080"] };
    expect(requestCode(more, { origin: "http://app.example.com" })).toBeUndefined();
    expect(requestCode(more, { origin: "http://[::1]:8080" })).toBeUndefined();
    expect(requestCode(more, { origin: "http://[::2]:8080" })).toBe("origin_not_allowed");
  });

  test("a request without an Origin header is refused, saying how to call instead", () => {
    const refusal = checkRequest(compileRules(rules), { ...base, origin: null });
    expect(refusal?.code).toBe("origin_not_allowed");
    expect(refusal?.message).toMatch(/sends no Origin header.*key secret/);
  });

  test("the refusal names the origin and the list to add it to", () => {
    const refusal = checkRequest(compileRules(rules), { ...base, origin: "https://evil.io" });
    expect(refusal?.message).toBe(
      "origin https://evil.io is not allowed for this key: add it to the key's allowedOrigins, or call from a server with the key secret",
    );
    expect(refusal?.toJsonRpc()).toEqual({
      code: -32016,
      message: refusal?.message,
      data: { origin: "https://evil.io", code: "origin_not_allowed" },
    });
    expect(refusal?.httpStatus).toBe(403);
  });

  test("a long origin is clipped in the message", () => {
    const origin = `https://${"a".repeat(500)}.io`;
    const refusal = checkRequest(compileRules(rules), { ...base, origin });
    expect(refusal?.message.length).toBeLessThan(250);
  });

  test("a key without an origin list serves any origin and none", () => {
    expect(requestCode({ allowedIps: ["203.0.113.7"] }, { origin: null })).toBeUndefined();
    expect(requestCode({ allowedOrigins: [] }, { origin: "https://evil.io" })).toBeUndefined();
  });
});

describe("client addresses", () => {
  const rules: KeyRules = { allowedIps: ["203.0.113.0/24", "198.51.100.7", "2001:db8::/32", "::1"] };

  test.each([
    ["203.0.113.7", true],
    ["203.0.113.255", true],
    ["203.0.114.1", false],
    ["198.51.100.7", true],
    ["198.51.100.8", false],
    ["2001:db8:1::5", true],
    ["2001:DB8::5", true],
    ["2001:db9::5", false],
    ["::1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:203.0.113.9", true],
    ["::ffff:198.51.100.8", false],
    ["not-an-ip", false],
    ["203.0.113.7, 10.0.0.1", false],
    ["", false],
  ])("%j allowed %s", (ip, allowed) => {
    expect(requestCode(rules, { ip })).toBe(allowed ? undefined : "ip_not_allowed");
  });

  test("an unknown client address is refused when the key has a list", () => {
    const refusal = checkRequest(compileRules(rules), { ...base, ip: null });
    expect(refusal?.code).toBe("ip_not_allowed");
    expect(refusal?.message).toMatch(/client address is unknown/);
  });

  test("the refusal names the address and what to add", () => {
    const refusal = checkRequest(compileRules(rules), { ...base, ip: "192.0.2.1" });
    expect(refusal?.message).toBe(
      "client address 192.0.2.1 is not allowed for this key: add it, or a CIDR that covers it, to the key's allowedIps",
    );
    expect(refusal?.toJsonRpc().data).toEqual({ ip: "192.0.2.1", code: "ip_not_allowed" });
  });

  test("a list of only invalid entries refuses every address", () => {
    expect(requestCode({ allowedIps: ["not-an-ip"] }, { ip: "203.0.113.7" })).toBe("ip_not_allowed");
  });
});

describe("chains", () => {
  test.each([
    ["mainnet", true],
    ["base", true],
    ["sepolia", false],
    ["MAINNET", false],
  ])("%s allowed %s", (chain, allowed) => {
    const code = requestCode({ allowedChains: ["mainnet", "Base"] }, { chain });
    expect(code).toBe(allowed ? undefined : "chain_not_allowed");
  });

  test("the refusal names the chain and the list", () => {
    const refusal = checkRequest(compileRules({ allowedChains: ["mainnet"] }), { ...base, chain: "base" });
    expect(refusal?.message).toBe(
      "chain base is not allowed for this key: add it to the key's allowedChains",
    );
    expect(refusal?.toJsonRpc().data).toEqual({ chain: "base", code: "chain_not_allowed" });
  });
});

describe("lists of different kinds combine with AND", () => {
  const rules: KeyRules = {
    allowedOrigins: ["https://app.example.com"],
    allowedIps: ["203.0.113.0/24"],
    allowedChains: ["mainnet"],
  };

  test("a request that meets every list passes", () => {
    expect(requestCode(rules, {})).toBeUndefined();
  });

  test.each([
    [{ chain: "base" }, "chain_not_allowed"],
    [{ ip: "192.0.2.1" }, "ip_not_allowed"],
    [{ origin: "https://evil.io" }, "origin_not_allowed"],
    [{ chain: "base", ip: "192.0.2.1", origin: "https://evil.io" }, "chain_not_allowed"],
    [{ ip: "192.0.2.1", origin: "https://evil.io" }, "ip_not_allowed"],
  ])("%j is refused with %s", (request, code) => {
    expect(requestCode(rules, request)).toBe(code);
  });
});

describe("methods", () => {
  const rules = compileRules({ allowedMethods: ["eth_call", "eth_getBalance", "debug", "trace_call"] });
  const code = (method: string) => checkCall(rules, { method, params: [] })?.code;

  test.each([
    ["eth_call", true],
    ["eth_getBalance", true],
    ["eth_getbalance", false],
    ["ETH_CALL", false],
    ["eth_callMany", false],
    ["eth_blockNumber", false],
    ["debug_traceTransaction", true],
    ["debug_traceCall", true],
    ["debug", false],
    ["debugger_x", false],
    ["Debug_traceCall", false],
    ["trace_call", true],
    ["trace_callMany", false],
    ["trace_block", false],
  ])("%s allowed %s", (method, allowed) => {
    expect(code(method)).toBe(allowed ? undefined : "method_not_allowed_for_key");
  });

  test("the refusal names the method, its namespace and the list", () => {
    const refusal = checkCall(rules, { method: "eth_sendRawTransaction", params: [] });
    expect(refusal?.message).toBe(
      "method eth_sendRawTransaction is not allowed for this key: add it (or its namespace eth) to the key's allowedMethods",
    );
    expect(refusal?.httpStatus).toBe(403);
    expect(refusal?.rpcCode).toBe(-32016);
    expect(refusal?.toJsonRpc().data).toEqual({
      method: "eth_sendRawTransaction",
      code: "method_not_allowed_for_key",
    });
  });

  test("a key without a method list serves every method", () => {
    expect(
      checkCall(compileRules({ allowedChains: ["mainnet"] }), { method: "eth_anything", params: [] }),
    ).toBe(undefined);
  });
});

describe("compileRules", () => {
  test("compiles each rules object once", () => {
    const rules: KeyRules = { allowedOrigins: ["https://a.example.com"] };
    expect(compileRules(rules)).toBe(compileRules(rules));
    expect(compileRules({ ...rules })).not.toBe(compileRules(rules));
  });

  test("every refusal is a GatewayError with a 403 and the key-rule JSON-RPC code", () => {
    const rules = compileRules({ allowedChains: ["mainnet"], allowedMethods: ["eth_call"] });
    const refusals = [
      checkRequest(rules, { ...base, chain: "base" }),
      checkCall(rules, { method: "eth_blockNumber", params: [] }),
    ];
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(GatewayError);
      expect(refusal?.httpStatus).toBe(403);
      expect(refusal?.rpcCode).toBe(-32016);
    }
  });
});
