/** SHA-256, hex and base64url encoding, and random ids. */
import { describe, expect, test } from "vitest";
import { randomId, sha256Hex, toBase64Url, toHex } from "../../../shared/crypto/hash";

describe("sha256Hex", () => {
  test.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ])("hashes %j to the standard digest", async (text, digest) => {
    expect(await sha256Hex(text)).toBe(digest);
  });

  test("hashes text as UTF-8", async () => {
    expect(await sha256Hex("\u00e9")).toBe(
      "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c",
    );
  });
});

describe("toHex", () => {
  test("writes two lowercase digits per byte, from a Uint8Array or an ArrayBuffer", () => {
    expect(toHex(new Uint8Array([0, 15, 16, 255]))).toBe("000f10ff");
    expect(toHex(new Uint8Array([171, 205]).buffer)).toBe("abcd");
  });
});

describe("toBase64Url", () => {
  test("uses the URL-safe alphabet without padding", () => {
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
    expect(toBase64Url(new Uint8Array([0x66, 0x6f, 0x6f]))).toBe("Zm9v");
  });
});

describe("randomId", () => {
  test("puts the prefix before 16 URL-safe characters by default", () => {
    expect(randomId("tnt")).toMatch(/^tnt_[A-Za-z0-9_-]{16}$/);
  });

  test("uses the given number of random bytes", () => {
    expect(randomId("key", 32)).toMatch(/^key_[A-Za-z0-9_-]{43}$/);
  });

  test("gives a different id each time", () => {
    expect(new Set(Array.from({ length: 100 }, () => randomId("x"))).size).toBe(100);
  });
});
