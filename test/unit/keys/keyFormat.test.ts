/** The API key format: new keys carry a checksum; old keys (no checksum) keep their exact shape; anything else is refused. */
import { describe, expect, test } from "vitest";
import { crc32, formatKey, keyShape, newApiKey } from "../../../shared/keys/keyFormat";

const bytes = Uint8Array.from({ length: 24 }, (_, i) => i * 7);
/** A key as POST /tenants/:id/keys made them before checksums: `rpc_` + base64url of 24 random bytes. */
const legacy = "rpc_AAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qh";

/** The key with the character at `index` replaced by another one of the same alphabet. */
function flip(key: string, index: number): string {
  const swapped = key[index] === "A" ? "B" : "A";
  return key.slice(0, index) + swapped + key.slice(index + 1);
}

describe("new keys", () => {
  test("are rpc_, 32 base64url characters of randomness and a 6-character base62 checksum", () => {
    const key = formatKey(bytes);
    expect(key).toMatch(/^rpc_[A-Za-z0-9_-]{32}[A-Za-z0-9]{6}$/);
    expect(key.slice(0, 36)).toBe(legacy);
    expect(keyShape(key)).toBe("checksummed");
  });

  test("are fresh each time and well formed", () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(a).not.toBe(b);
    expect([keyShape(a), keyShape(b)]).toEqual(["checksummed", "checksummed"]);
  });

  test.each([4, 20, 35, 36, 41])("with character %i changed are refused", (index) => {
    const key = formatKey(bytes);
    expect(keyShape(flip(key, index))).toBe("malformed");
  });
});

describe("old keys", () => {
  test("without a checksum keep working when they have the old shape exactly", () => {
    expect(keyShape(legacy)).toBe("legacy");
    expect(keyShape(flip(legacy, 10))).toBe("legacy");
  });

  test.each([
    ["one character short", legacy.slice(0, -1)],
    ["one character long", `${legacy}x`],
    ["another prefix", `sk_${legacy.slice(3)}`],
    ["a character outside base64url", `${legacy.slice(0, -1)}+`],
  ])("%s are refused", (_, key) => {
    expect(keyShape(key)).toBe("malformed");
  });
});

describe("anything else", () => {
  test.each([
    ["empty", ""],
    ["the prefix alone", "rpc_"],
    ["a short guess", "rpc_wrong"],
    ["a long string", `rpc_${"a".repeat(300)}`],
    ["a new-format length with a non-base62 checksum", `${legacy}abc-ef`],
    ["whitespace", ` ${legacy}`],
  ])("%s is refused", (_, key) => {
    expect(keyShape(key)).toBe("malformed");
  });
});

describe("crc32", () => {
  test("matches the standard check value", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
  });
});
