/**
 * @module
 * AES-256-GCM for secrets at rest (upstream URLs), keyed by a Worker secret holding 32 random bytes
 * in base64. Sealed text is `v1.<iv>.<ciphertext>`, both base64.
 */

/** Imported keys by secret. Bound: one per UPSTREAM_KEY value the isolate has seen (one, or two in a rotation). */
const keys = new Map<string, Promise<CryptoKey>>();

function importKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const raw = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
    if (raw.length !== 32)
      throw new Error("UPSTREAM_KEY must be 32 bytes of base64 (openssl rand -base64 32)");
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(secret, key);
  }
  return key;
}

function b64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function unb64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export async function seal(plaintext: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await importKey(secret),
    new TextEncoder().encode(plaintext),
  );
  return `v1.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

export async function open(sealed: string, secret: string): Promise<string> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !ct) throw new Error("sealed value has an unknown format");
  const pt = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: unb64(iv) },
    await importKey(secret),
    unb64(ct),
  );
  return new TextDecoder().decode(pt);
}
