/**
 * @module
 * AES-256-GCM for secrets at rest (upstream URLs), keyed by a key ring (keyRing.ts) and bound to the
 * row they belong to by additional data. Sealed text is `v2.<kid>.<iv>.<ciphertext>` (base64 fields);
 * `v1.<iv>.<ciphertext>`, from before rotation (no key id, no additional data), still opens.
 */
import type { KeyRing, RingKey } from "./keyRing";

/**
 * Imported keys, by ring key. Bound: the keys of the rings still referenced (keyRingOf keeps the last
 * ring per variable, so one ring's worth in steady state); entries go with their ring.
 */
const imported = new WeakMap<RingKey, Promise<CryptoKey>>();

function cryptoKeyOf(key: RingKey): Promise<CryptoKey> {
  let cryptoKey = imported.get(key);
  if (!cryptoKey) {
    cryptoKey = crypto.subtle.importKey("raw", key.raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    imported.set(key, cryptoKey);
  }
  return cryptoKey;
}

function b64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function unb64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

const encoder = new TextEncoder();

/** Seals `plaintext` with the ring's current key, bound to `aad` (for example `upstreams:<id>`). */
export async function seal(plaintext: string, ring: KeyRing, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    await cryptoKeyOf(ring.current),
    encoder.encode(plaintext),
  );
  return `v2.${ring.current.id}.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

/** What opening a sealed value found: the text, the id of the key that opened it, and its format. */
export interface Unsealed {
  plaintext: string;
  keyId: string;
  /** A `v1.` value: sealed before key ids and additional data existed; re-seal it. */
  legacy: boolean;
}

interface Parsed {
  version: "v1" | "v2";
  kid?: string;
  iv: Uint8Array;
  ct: Uint8Array;
}

const FORMAT_HELP = "sealed value has an unknown format (expected v2.<kid>.<iv>.<ct> or v1.<iv>.<ct>)";

function parse(sealed: string): Parsed {
  const parts = sealed.split(".");
  const [version] = parts;
  const fields = version === "v2" ? parts.slice(2) : parts.slice(1);
  const kid = version === "v2" ? parts[1] : undefined;
  const expected = version === "v2" ? 4 : version === "v1" ? 3 : 0;
  if (parts.length !== expected || fields.some((f) => !f) || kid === "") throw new Error(FORMAT_HELP);
  try {
    return { version, kid, iv: unb64(fields[0] as string), ct: unb64(fields[1] as string) } as Parsed;
  } catch {
    throw new Error(FORMAT_HELP);
  }
}

async function decrypt(key: RingKey, { iv, ct }: Parsed, aad: string | undefined): Promise<string> {
  const params = {
    name: "AES-GCM",
    iv,
    ...(aad === undefined ? {} : { additionalData: encoder.encode(aad) }),
  };
  return new TextDecoder().decode(await crypto.subtle.decrypt(params, await cryptoKeyOf(key), ct));
}

async function openLegacy(parsed: Parsed, ring: KeyRing): Promise<Unsealed> {
  for (const key of ring.byId.values()) {
    try {
      return { plaintext: await decrypt(key, parsed, undefined), keyId: key.id, legacy: true };
    } catch {
      // not this key: try the next
    }
  }
  const ids = [...ring.byId.keys()].join(", ");
  throw new Error(`legacy v1 sealed value opens with none of the ring's keys (${ids}), or was altered`);
}

/**
 * Opens a value sealed by `seal` (bound to the same `aad`), or a legacy `v1.` value (tried with each
 * key of the ring). Errors name the key id at most, never key material or the plaintext.
 */
export async function unseal(sealed: string, ring: KeyRing, aad: string): Promise<Unsealed> {
  const parsed = parse(sealed);
  if (parsed.version === "v1") return openLegacy(parsed, ring);
  const kid = parsed.kid as string;
  const key = ring.byId.get(kid);
  if (!key) {
    throw new Error(
      `sealed value names key "${kid}", which the key ring does not list (it has ${[...ring.byId.keys()].join(", ")}): add that key back, or re-seal before removing it`,
    );
  }
  try {
    return { plaintext: await decrypt(key, parsed, aad), keyId: kid, legacy: false };
  } catch {
    throw new Error(
      `sealed value does not open with key "${kid}": it was altered, belongs to another row, or was sealed with another key under that id`,
    );
  }
}

/** `unseal`, the plaintext only. */
export async function open(sealed: string, ring: KeyRing, aad: string): Promise<string> {
  return (await unseal(sealed, ring, aad)).plaintext;
}

/** Whether `sealed` is in the current format under the ring's current key (re-sealing would change nothing). */
export function sealedWithCurrent(sealed: string, ring: KeyRing): boolean {
  return sealed.startsWith(`v2.${ring.current.id}.`);
}
