// Tenant JWTs as a policy (shared/keys/jwtPolicy.ts) and the public-key check behind registration
// (shared/crypto/publicJwk.ts): which Bearer values are tokens, which key a header names, what
// claims are read and how they narrow, and when an open socket's token lapses. Pure tables.
import { describe, expect, test } from "vitest";
import { publicJwkProblem, publicMembers } from "../../../shared/crypto/publicJwk";
import {
  bearerJwt,
  claimsOf,
  keyOfHeader,
  type TokenClaims,
  tokenLapsed,
  tokenLimits,
  tokenRules,
} from "../../../shared/keys/jwtPolicy";
import type { JwtKey } from "../../../shared/keys/keyContext";
import { checkCall, checkRequest, compileRules } from "../../../shared/keys/keyRules";
import type { KeyLimits } from "../../../shared/metering/limits";

const X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const key = (kid: string, id = `jwk_${kid}`): JwtKey => ({ id, kid, alg: "ES256", jwk: {} });
const headers = (authorization: string) => new Headers({ authorization });

describe("bearerJwt", () => {
  test.each([
    ["Bearer aaa.bbb.ccc", "aaa.bbb.ccc"],
    ["bearer   aaa.bbb.", "aaa.bbb."],
    ["Bearer not.a.jwt", "not.a.jwt"],
    ["Bearer rpc_abcdefghijklmnopqrstuvwxyz012345", null],
    ["Basic dXNlcjpwYXNz", null],
  ])("%s -> %s", (value, expected) => {
    expect(bearerJwt(headers(value))).toBe(expected);
  });
});

describe("keyOfHeader", () => {
  const keys = [key("a"), key("b")];
  test("the key the kid names", () => expect(keyOfHeader({ alg: "ES256", kid: "b" }, keys)).toBe(keys[1]));
  test.each([
    [{ alg: "ES256" }, /has no kid/],
    [{ alg: "ES256", kid: 7 }, /has no kid/],
    [{ alg: "ES256", kid: "c" }, /not an active JWT key/],
    [{ alg: "ES256", kid: "a", jwk: { kty: "EC" } }, /carries "jwk"/],
    [{ alg: "RS256", kid: "a", jku: "https://evil.example/jwks" }, /carries "jku"/],
    [{ alg: "RS256", kid: "a", x5c: [] }, /carries "x5c"/],
  ])("%j is refused", (header, message) => {
    expect(() => keyOfHeader(header, keys)).toThrow(message);
  });
});

describe("claimsOf", () => {
  const now = 1_800_000_000;
  const base = { iat: now, exp: now + 600 };
  test("reads the narrowing claims and the signer", () => {
    const claims = claimsOf(
      {
        ...base,
        sub: "alice",
        cuPerSecond: 20,
        chains: ["Base"],
        methods: ["eth_call", "debug"],
        contracts: [`0x${"AB".repeat(20)}`],
      },
      key("a"),
      "key_1",
    );
    expect(claims).toEqual({
      signer: "jwk_a",
      exp: now + 600,
      sub: "alice",
      cuPerSecond: 20,
      rules: {
        allowedChains: ["Base"],
        allowedMethods: ["eth_call", "debug"],
        allowedContracts: [`0x${"AB".repeat(20)}`],
      },
    });
  });
  test("an aud naming the key, alone or in a list, is accepted", () => {
    expect(claimsOf({ ...base, aud: "key_1" }, key("a"), "key_1").signer).toBe("jwk_a");
    expect(claimsOf({ ...base, aud: ["key_0", "key_1"] }, key("a"), "key_1").signer).toBe("jwk_a");
  });
  test("a token with no narrowing claim narrows nothing", () => {
    expect(claimsOf(base, key("a"), "key_1")).toEqual({ signer: "jwk_a", exp: now + 600 });
  });
  test.each([
    [{ exp: now }, /numeric iat and exp/],
    [{ iat: now, exp: now + 86_401 }, /86401 s, over the maximum of 86400 s/],
    [{ ...base, methods: [] }, /methods claim is empty/],
    [{ ...base, chains: "base" }, /chains claim is not a list of strings/],
    [{ ...base, contracts: [1] }, /contracts claim is not a list of strings/],
    [{ ...base, contracts: ["0x12"] }, /contracts claim has an entry that is not an address/],
    [{ ...base, methods: ["eth call"] }, /methods claim has an entry that is not a method name/],
    [{ ...base, chains: Array.from({ length: 201 }, (_, i) => `c${i}`) }, /over 200 entries/],
    [{ ...base, cuPerSecond: 0 }, /cuPerSecond/],
    [{ ...base, cuPerSecond: 1.5 }, /cuPerSecond/],
    [{ ...base, cuPerSecond: "9" }, /cuPerSecond/],
    [{ ...base, sub: 42 }, /sub claim/],
    [{ ...base, aud: "key_2" }, /aud claim does not name this API key \(key_1\)/],
    [{ ...base, aud: ["key_2", "key_3"] }, /aud claim does not name/],
  ])("%j is refused", (payload, message) => {
    expect(() => claimsOf(payload as Record<string, unknown>, key("a"), "key_1")).toThrow(message);
  });
});

describe("tokenRules: the token's lists AND the key's", () => {
  const keyRules = compileRules({ allowedMethods: ["eth_call", "eth_chainId"] });
  const token: TokenClaims = {
    signer: "s",
    exp: 0,
    rules: { allowedMethods: ["eth_chainId", "eth_getLogs"], allowedChains: ["base"] },
  };
  const both = tokenRules(keyRules, token);
  const call = (method: string) => both && checkCall(both, { method, params: [] })?.code;
  test("a method both allow passes; one either refuses is refused", () => {
    expect(call("eth_chainId")).toBeUndefined();
    expect(call("eth_call")).toBe("method_not_allowed_for_key");
    expect(call("eth_getLogs")).toBe("method_not_allowed_for_key");
  });
  test("the token's refusal names its claim, the key's its list", () => {
    expect(both && checkCall(both, { method: "eth_call", params: [] })?.message).toMatch(
      /JWT: its methods claim/,
    );
    expect(both && checkCall(both, { method: "eth_getLogs", params: [] })?.message).toMatch(
      /key's allowedMethods/,
    );
  });
  test("the token's chains claim holds at the door", () => {
    expect(both && checkRequest(both, { origin: null, ip: null, chain: "mainnet" })?.code).toBe(
      "chain_not_allowed",
    );
    expect(both && checkRequest(both, { origin: null, ip: null, chain: "base" })).toBeUndefined();
  });
  test("built once per token and key rules: the same object on every request", () => {
    expect(tokenRules(keyRules, token)).toBe(both);
    expect(tokenRules(undefined, token)).not.toBe(both);
  });
  test("a token without lists leaves the key's rules as they are", () => {
    expect(tokenRules(keyRules, { signer: "s", exp: 0 })).toBe(keyRules);
    expect(tokenRules(undefined, { signer: "s", exp: 0 })).toBeUndefined();
  });
});

describe("tokenLimits", () => {
  const limits: KeyLimits = {
    cuPerSecond: 500,
    burstCu: 1000,
    monthlyCu: 1e6,
    keyCuPerSecond: null,
    onMeterDown: "closed",
  };
  test("a cap of its own per subject, the same object for the same token and limits", () => {
    const token: TokenClaims = { signer: "s", exp: 0, sub: "alice", cuPerSecond: 20 };
    const narrowed = tokenLimits(limits, token);
    expect(narrowed).toEqual({ ...limits, tokenCap: { id: "jwt:alice", cuPerSecond: 20 } });
    expect(tokenLimits(limits, token)).toBe(narrowed);
    expect(tokenLimits({ ...limits }, token)).not.toBe(narrowed);
  });
  test("no cuPerSecond: the key's limits", () => {
    expect(tokenLimits(limits, { signer: "s", exp: 0 })).toBe(limits);
  });
});

describe("tokenLapsed", () => {
  const token: TokenClaims = { signer: "jwk_a", exp: 1000 };
  test.each([
    [[key("a")], 999_000, undefined],
    // Past exp by less than the 30 s of clock skew verifying forgives: still served, as over HTTP.
    [[key("a")], 1_029_999, undefined],
    [[key("a")], 1_030_000, "jwt_expired"],
    [[key("b")], 999_000, "jwt_invalid"],
    [[key("a", "jwk_again")], 999_000, "jwt_invalid"],
  ])("keys %j at %d -> %s", (keys, now, code) => {
    expect(tokenLapsed(token, keys, now)?.code).toBe(code);
  });
});

describe("publicJwkProblem for tenant keys", () => {
  const tenant = ["RS256", "ES256", "EdDSA"] as const;
  // 0xC0 and 255 zero bytes: a 2048-bit modulus.
  const n = `w${"A".repeat(341)}`;
  test.each([
    [{ kty: "RSA", alg: "RS256", n, e: "AQAB" }, undefined],
    [{ kty: "OKP", crv: "Ed25519", alg: "EdDSA", x: X }, undefined],
    [{ kty: "RSA", alg: "RS256", n: `w${"A".repeat(169)}`, e: "AQAB" }, /outside 2048 to 4096 bits/],
    [{ kty: "RSA", alg: "RS256", n: `w${"A".repeat(699)}`, e: "AQAB" }, /outside 2048 to 4096 bits/],
    // A 1024-bit modulus padded with zero bytes to 256: still 1024 bits.
    [{ kty: "RSA", alg: "RS256", n: `${"A".repeat(171)}w${"A".repeat(170)}`, e: "AQAB" }, /outside 2048/],
    [{ kty: "RSA", alg: "RS256", n, e: "not base64!" }, /RSA exponent/],
    [{ kty: "RSA", alg: "RS256", n, e: "AQ" }, /RSA exponent/],
    [{ kty: "RSA", alg: "RS256", n, e: "Ag" }, /RSA exponent/],
    [{ kty: "EC", crv: "P-256", alg: "ES256", x: "AA", y: "AA" }, /x coordinate that is not 32 bytes/],
    [{ kty: "OKP", crv: "Ed25519", alg: "EdDSA", x: X.slice(0, 40) }, /x coordinate that is not 32 bytes/],
    [{ kty: "RSA", alg: "PS256", n, e: "AQAB" }, /unsupported alg/],
    [{ kty: "RSA", alg: "RS256", n, e: "AQAB", d: "x" }, /private or secret key/],
    [{ kty: "oct", alg: "HS256", k: "x" }, /private or secret key/],
    [{ kty: "OKP", crv: "X25519", alg: "EdDSA", x: X }, /needs kty OKP and crv Ed25519/],
  ])("%j -> %s", (jwk, problem) => {
    const found = publicJwkProblem(jwk, tenant);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
  test("only the members verifying needs are kept", () => {
    const jwk = {
      kty: "OKP",
      crv: "Ed25519",
      alg: "EdDSA",
      x: X,
      kid: "k",
      use: "sig",
      key_ops: ["verify"],
      note: "hi",
    };
    expect(publicMembers(jwk)).toEqual({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", x: X, kid: "k" });
  });
});
