/** AES-256-GCM sealing of secrets at rest, with a key ring and row binding (additional data). */
import { describe, expect, test } from "vitest";
import { type KeyRing, parseKeyRing } from "../../../shared/crypto/keyRing";
import { open, seal, sealedWithCurrent, unseal } from "../../../shared/crypto/secretBox";

function randomKey(bytes = 32): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

/** Flips one bit of the base64 field at `index` of a sealed value. */
function flipBit(sealed: string, index: number): string {
  const parts = sealed.split(".");
  const bytes = Uint8Array.from(atob(parts[index] as string), (c) => c.charCodeAt(0));
  bytes[0] = (bytes[0] as number) ^ 1;
  parts[index] = btoa(String.fromCharCode(...bytes));
  return parts.join(".");
}

/** A value in the format before key rings: `v1.<iv>.<ct>`, no additional data. */
async function sealV1(plaintext: string, base64Key: string): Promise<string> {
  const raw = Uint8Array.from(atob(base64Key), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plaintext)),
  );
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  return `v1.${b64(iv)}.${b64(ct)}`;
}

const [KEY1, KEY2] = [randomKey(), randomKey()];
const ring = (value: string): KeyRing => parseKeyRing("UPSTREAM_KEY", value);
const OLD = ring(KEY1);
const BOTH = ring(`k2:${KEY2},k0:${KEY1}`);
const NEW = ring(`k2:${KEY2}`);
const URL_TEXT = "https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456?note=é✓";
const AAD = "upstreams:ups_a";

describe("secretBox", () => {
  test("opens what it sealed, with the same additional data", async () => {
    expect(await open(await seal(URL_TEXT, NEW, AAD), NEW, AAD)).toBe(URL_TEXT);
  });

  test("seals to v2 with the current key's id, without showing the plaintext", async () => {
    const sealed = await seal(URL_TEXT, BOTH, AAD);
    expect(sealed).toMatch(/^v2\.k2\.[A-Za-z0-9+/]+=*\.[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain("AbCdEf123456");
    expect(sealedWithCurrent(sealed, BOTH)).toBe(true);
    expect(sealedWithCurrent(sealed, OLD)).toBe(false);
  });

  test("seals the same text differently each time", async () => {
    const [a, b] = [await seal(URL_TEXT, NEW, AAD), await seal(URL_TEXT, NEW, AAD)];
    expect(a).not.toBe(b);
    expect(await open(b, NEW, AAD)).toBe(URL_TEXT);
  });

  test("a value sealed by the old key opens with a ring that still lists it, and says which key", async () => {
    const sealed = await seal(URL_TEXT, OLD, AAD);
    expect(sealed.startsWith("v2.k0.")).toBe(true);
    expect(await unseal(sealed, BOTH, AAD)).toEqual({ plaintext: URL_TEXT, keyId: "k0", legacy: false });
  });

  test("a key id the ring does not list is named in the error, and no key material is", async () => {
    const sealed = await seal(URL_TEXT, OLD, AAD);
    const error = await open(sealed, NEW, AAD).catch((e: Error) => e.message);
    expect(error).toMatch(/names key "k0", which the key ring does not list \(it has k2\)/);
    for (const secret of [KEY1, KEY2, URL_TEXT, "AbCdEf123456"]) expect(error).not.toContain(secret);
  });

  test("a value moved to another row does not open (additional data)", async () => {
    const sealed = await seal(URL_TEXT, NEW, AAD);
    await expect(open(sealed, NEW, "upstreams:ups_b")).rejects.toThrow(/does not open with key "k2"/);
  });

  test("another key under the same id does not open it", async () => {
    const sealed = await seal(URL_TEXT, NEW, AAD);
    await expect(open(sealed, ring(`k2:${randomKey()}`), AAD)).rejects.toThrow(/does not open/);
  });

  test.each([
    ["iv", 2],
    ["ciphertext", 3],
  ])("refuses a v2 value whose %s was tampered with", async (_, index) => {
    await expect(open(flipBit(await seal(URL_TEXT, NEW, AAD), index), NEW, AAD)).rejects.toThrow(
      /does not open/,
    );
  });

  test("a legacy v1 value opens with whichever key of the ring sealed it, whatever the additional data", async () => {
    const legacy = await sealV1(URL_TEXT, KEY1);
    expect(await unseal(legacy, BOTH, AAD)).toEqual({ plaintext: URL_TEXT, keyId: "k0", legacy: true });
    expect(await open(legacy, OLD, "upstreams:any")).toBe(URL_TEXT);
    expect(sealedWithCurrent(legacy, OLD)).toBe(false);
  });

  test("a legacy v1 value no key of the ring opens is refused, naming the ids tried", async () => {
    const legacy = await sealV1(URL_TEXT, KEY1);
    await expect(open(legacy, NEW, AAD)).rejects.toThrow(/none of the ring's keys \(k2\)/);
    await expect(open(flipBit(legacy, 2), OLD, AAD)).rejects.toThrow(/none of the ring's keys/);
  });

  test.each([
    "",
    "v1",
    "v1.abc",
    "v1.AAAA.AAAA.AAAA",
    "v2.AAAA.AAAA",
    "v2..AAAA.AAAA",
    "v2.k2.AAAA.",
    "v2.k2.!!!!.AAAA",
    "v3.k2.AAAA.AAAA",
    "plain text",
    "https://example.com/key",
  ])("refuses the unknown format %j without echoing it", async (sealed) => {
    const error = await open(sealed, NEW, AAD).catch((e: Error) => e.message);
    expect(error).toMatch(/unknown format/);
    if (sealed.length > 4) expect(error).not.toContain(sealed);
  });
});
