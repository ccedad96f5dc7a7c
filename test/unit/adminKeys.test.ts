// ADMIN_KEYS parsing (issue 18): the operators' JWKS is checked once, at configuration; every bad
// shape is a 500-class configuration error that names the problem and never echoes key material.
import { describe, expect, test } from "vitest";
import { InternalError } from "../../shared/errors/kinds";
import { parseAdminKeys } from "../../workers/gateway/src/middleware/adminAuth/keys";
import { pickVerifier } from "../../workers/gateway/src/middleware/adminAuth/policy";

const X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
const ed = (kid = "alice") => ({ kty: "OKP", crv: "Ed25519", x: X, kid, alg: "EdDSA", use: "sig" });
const ec = (kid = "bob") => ({ kty: "EC", crv: "P-256", x: X, y: Y, kid, alg: "ES256" });
const jwks = (...keys: unknown[]) => JSON.stringify({ keys });

describe("a valid ADMIN_KEYS", () => {
  test("lists EdDSA and ES256 keys by kid, each pinned to its alg", () => {
    const keys = parseAdminKeys(jwks(ed("alice"), ec("bob")));
    expect([...keys.keys()]).toEqual(["alice", "bob"]);
    expect(keys.get("alice")).toMatchObject({ kid: "alice", alg: "EdDSA", jwk: { crv: "Ed25519" } });
    expect(keys.get("bob")).toMatchObject({ kid: "bob", alg: "ES256", jwk: { crv: "P-256" } });
  });

  test("an empty key list is valid and registers nobody", () => {
    expect(parseAdminKeys('{"keys":[]}').size).toBe(0);
  });
});

describe("a bad ADMIN_KEYS is a configuration error naming the problem", () => {
  const { kid: _kid, ...noKid } = ed();
  const { alg: _alg, ...noAlg } = ec();
  const { y: _y, ...noY } = ec();
  const cases: [string, string, RegExp][] = [
    ["not JSON", "{keys:", /not JSON/],
    ["a bare array", jwks(ed()).replace(/^\{"keys":(.*)\}$/, "$1"), /expected a JWKS object/],
    ["keys not an array", '{"keys":{}}', /expected a JWKS object/],
    ["a key that is not an object", jwks("alice"), /keys\[0\] is not a JSON object/],
    ["a key without kid", jwks(ed("a"), noKid), /keys\[1\] has no kid/],
    ["an empty kid", jwks(ed("")), /keys\[0\] has no kid/],
    ["a key without alg", jwks(noAlg), /kid "bob"\) has no alg/],
    ["an unknown alg", jwks({ ...ed(), alg: "Ed448" }), /unsupported alg/],
    ["alg none", jwks({ ...ed(), alg: "none" }), /unsupported alg/],
    ["HS256 alg on an EC key", jwks({ ...ec(), alg: "HS256" }), /unsupported alg/],
    ["a private EdDSA key (d present)", jwks({ ...ed(), d: X }), /private or secret key/],
    ["a private ES256 key (d present)", jwks({ ...ec(), d: X }), /private or secret key/],
    ["an RSA key", jwks({ kty: "RSA", n: X, e: "AQAB", kid: "r", alg: "RS256" }), /kty RSA/],
    ["an oct key", jwks({ kty: "oct", k: X, kid: "h", alg: "HS256" }), /private or secret key/],
    ["an oct key without k", jwks({ kty: "oct", kid: "h", alg: "HS256" }), /kty oct/],
    ["a duplicate kid", jwks(ed("same"), ec("same")), /kid "same" is listed more than once/],
    [
      "EdDSA on a P-256 key",
      jwks({ ...ec(), alg: "EdDSA" }),
      /alg EdDSA, which needs kty OKP and crv Ed25519/,
    ],
    [
      "ES256 on an Ed25519 key",
      jwks({ ...ed(), alg: "ES256" }),
      /alg ES256, which needs kty EC and crv P-256/,
    ],
    ["ES256 on a P-384 key", jwks({ ...ec(), crv: "P-384" }), /needs kty EC and crv P-256/],
    ["an encryption key", jwks({ ...ed(), use: "enc" }), /use other than "sig"/],
    ["an EC key without y", jwks(noY), /has no y coordinate/],
  ];

  test.each(cases)("%s", (_name, text, message) => {
    let thrown: unknown;
    try {
      parseAdminKeys(text);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InternalError);
    const error = thrown as InternalError;
    expect(error.httpStatus).toBe(500);
    expect(error.message).toMatch(/^ADMIN_KEYS is not valid: /);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(X);
  });
});

describe("choosing the key a token is verified with", () => {
  const keys = new Map([["alice", { key: "ed-key", alg: "EdDSA", signer: 'the registered key "alice"' }]]);
  const secret = { key: "hs-key", alg: "HS256", signer: "the admin secret" };

  test("a kid selects its registered key, pinned to its alg, even when a secret is set", () => {
    expect(pickVerifier({ alg: "HS256", kid: "alice" }, keys, secret)).toMatchObject({
      key: "ed-key",
      alg: "EdDSA",
    });
  });

  test("no kid selects the HS256 secret", () => {
    expect(pickVerifier({ alg: "EdDSA" }, keys, secret)).toBe(secret);
  });

  test.each([
    ["an unregistered kid", { alg: "EdDSA", kid: "mallory" }, secret, /kid is not a registered admin key/],
    ["a non-string kid", { alg: "EdDSA", kid: 7 }, secret, /kid is not a registered admin key/],
    ["no kid and no secret", { alg: "EdDSA" }, undefined, /must name a registered key .* by kid/],
    ["an embedded jwk", { alg: "EdDSA", kid: "alice", jwk: {} }, secret, /carries "jwk"/],
    ["a jku", { alg: "EdDSA", jku: "https://evil.example/jwks" }, secret, /carries "jku"/],
    ["an x5u", { alg: "ES256", x5u: "https://evil.example/cert" }, secret, /carries "x5u"/],
  ])("%s is refused with 401", (_name, header, hs, message) => {
    expect(() => pickVerifier(header, keys, hs)).toThrow(message);
    try {
      pickVerifier(header, keys, hs);
    } catch (err) {
      expect((err as { httpStatus: number }).httpStatus).toBe(401);
    }
  });
});
