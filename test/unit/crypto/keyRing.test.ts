/** Parsing key rings: ids, the legacy bare key, and the errors for bad ring strings. */
import { describe, expect, test } from "vitest";
import { keyRingOf, parseKeyRing } from "../../../shared/crypto/keyRing";

function randomKey(bytes = 32): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

const [A, B, C] = [randomKey(), randomKey(), randomKey()];
const idsOf = (value: string) => [...parseKeyRing("UPSTREAM_KEY", value).byId.keys()];

describe("parseKeyRing", () => {
  test.each([
    ["a bare key (before rotation)", A, "k0", ["k0"]],
    ["one key with an id", `k1:${A}`, "k1", ["k1"]],
    ["newest first", `k2:${B},k1:${A}`, "k2", ["k2", "k1"]],
    ["the old bare key kept behind a new one", `k1:${B},${A}`, "k1", ["k1", "k0"]],
    ["the old key written with its id k0", `k1:${B},k0:${A}`, "k1", ["k1", "k0"]],
    ["spaces and newlines between keys", ` k3:${C}\n k2:${B} , k1:${A} `, "k3", ["k3", "k2", "k1"]],
  ])("reads %s", (_, value, current, ids) => {
    const ring = parseKeyRing("UPSTREAM_KEY", value);
    expect(ring.current.id).toBe(current);
    expect(ring.current.raw).toHaveLength(32);
    expect(idsOf(value)).toEqual(ids);
  });

  test("a bare key and an explicit k0 are the same key, listed twice", () => {
    expect(() => parseKeyRing("UPSTREAM_KEY", `k0:${A},${B}`)).toThrow(/"k0" is listed twice/);
  });

  test.each([
    ["unset", undefined, /UPSTREAM_KEY is not set/],
    ["empty", "", /UPSTREAM_KEY is not set/],
    ["only separators", " , ,", /UPSTREAM_KEY is not set/],
    ["a short key", `k1:${randomKey(16)}`, /key "k1" must be 32 bytes/],
    ["a long bare key", randomKey(33), /key "k0" must be 32 bytes/],
    ["not base64", "k1:not*base64", /key "k1" is not base64/],
    ["an empty id", `:${A}`, /key id "" must be/],
    ["an id with a dot", `k.1:${A}`, /key id "k.1" must be/],
    ["a duplicate id", `k1:${A},k1:${B}`, /"k1" is listed twice/],
    ["two bare keys", `${A},${B}`, /"k0" is listed twice/],
  ])("refuses %s, without the key material in the error", (_, value, message) => {
    let error = "";
    try {
      parseKeyRing("UPSTREAM_KEY", value);
    } catch (err) {
      error = (err as Error).message;
    }
    expect(error).toMatch(message);
    for (const key of [A, B]) expect(error).not.toContain(key);
  });
});

describe("keyRingOf", () => {
  test("parses a value once and again when it changes", () => {
    const first = keyRingOf("TEST_RING", `k1:${A}`);
    expect(keyRingOf("TEST_RING", `k1:${A}`)).toBe(first);
    const rotated = keyRingOf("TEST_RING", `k2:${B},k1:${A}`);
    expect(rotated).not.toBe(first);
    expect(rotated.current.id).toBe("k2");
  });
});
