/** AES-256-GCM sealing of secrets at rest. */
import { describe, expect, test } from "vitest";
import { open, seal } from "../../../shared/crypto/secretBox";

function randomKey(bytes = 32): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

/** Flips one bit of the base64 field at `index` of a sealed value. */
function flipBit(sealed: string, index: 1 | 2): string {
  const parts = sealed.split(".");
  const bytes = Uint8Array.from(atob(parts[index] as string), (c) => c.charCodeAt(0));
  bytes[0] = (bytes[0] as number) ^ 1;
  parts[index] = btoa(String.fromCharCode(...bytes));
  return parts.join(".");
}

const KEY = randomKey();
const URL_TEXT = "https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456?note=é✓";

describe("secretBox", () => {
  test("opens what it sealed", async () => {
    expect(await open(await seal(URL_TEXT, KEY), KEY)).toBe(URL_TEXT);
  });

  test("seals to the v1 format without showing the plaintext", async () => {
    const sealed = await seal(URL_TEXT, KEY);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/]+=*\.[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain("AbCdEf123456");
  });

  test("seals the same text differently each time", async () => {
    const [a, b] = [await seal(URL_TEXT, KEY), await seal(URL_TEXT, KEY)];
    expect(a).not.toBe(b);
    expect(await open(b, KEY)).toBe(URL_TEXT);
  });

  test("refuses a ciphertext that was tampered with", async () => {
    await expect(open(flipBit(await seal(URL_TEXT, KEY), 2), KEY)).rejects.toThrow();
  });

  test("refuses a value whose iv was tampered with", async () => {
    await expect(open(flipBit(await seal(URL_TEXT, KEY), 1), KEY)).rejects.toThrow();
  });

  test("refuses to open with another key", async () => {
    await expect(open(await seal(URL_TEXT, KEY), randomKey())).rejects.toThrow();
  });

  test.each([16, 31, 33, 64])("refuses a key of %i bytes", async (bytes) => {
    await expect(seal(URL_TEXT, randomKey(bytes))).rejects.toThrow(/32 bytes/);
  });

  test.each(["", "v1", "v1.abc", "v2.AAAA.AAAA", "plain text"])(
    "refuses the unknown format %j",
    async (sealed) => {
      await expect(open(sealed, KEY)).rejects.toThrow(/unknown format/);
    },
  );
});
