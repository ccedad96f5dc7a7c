/**
 * @module
 * A secret that can rotate: a Worker secret listing one or more 32-byte keys, each with an id,
 * newest first (`k2:<base64>,k1:<base64>`). The first key seals or signs; every listed key opens or
 * verifies. A bare base64 value (the format before rotation existed) is the key with the id "k0",
 * alone or among others: `k1:<new>,<old bare value>` rotates by prepending the new key.
 */

export interface RingKey {
  id: string;
  raw: Uint8Array;
}

export interface KeyRing {
  /** The key new values are sealed or signed with: the first listed. */
  current: RingKey;
  /** Every key, by id. */
  byId: ReadonlyMap<string, RingKey>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const LEGACY_KEY_ID = "k0";

function rawOf(name: string, id: string, base64: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch {
    throw new Error(`${name} key "${id}" is not base64`);
  }
  if (raw.length !== 32) {
    throw new Error(`${name} key "${id}" must be 32 bytes of base64 (openssl rand -base64 32)`);
  }
  return raw;
}

/** Parses a ring; `name` (the variable's name) goes into the errors, never the value. */
export function parseKeyRing(name: string, value: string | undefined): KeyRing {
  const entries = (value ?? "")
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`${name} is not set (openssl rand -base64 32)`);
  const keys: RingKey[] = entries.map((entry) => {
    const colon = entry.indexOf(":");
    if (colon < 0) return { id: LEGACY_KEY_ID, raw: rawOf(name, LEGACY_KEY_ID, entry) };
    const id = entry.slice(0, colon);
    if (!KEY_ID.test(id)) throw new Error(`${name}: key id "${id}" must be 1-32 of A-Z a-z 0-9 _ -`);
    return { id, raw: rawOf(name, id, entry.slice(colon + 1)) };
  });
  const byId = new Map<string, RingKey>();
  for (const key of keys) {
    if (byId.has(key.id)) {
      const bare = key.id === LEGACY_KEY_ID ? ` (a key without an id is "${LEGACY_KEY_ID}")` : "";
      throw new Error(`${name}: key id "${key.id}" is listed twice${bare}`);
    }
    byId.set(key.id, key);
  }
  return { current: keys[0] as RingKey, byId };
}

/** The last ring parsed per variable value (one entry each: the isolate's secret rarely changes). */
const rings = new Map<string, { value: string | undefined; ring: KeyRing }>();

/** `parseKeyRing`, parsed again only when the value changes. */
export function keyRingOf(name: string, value: string | undefined): KeyRing {
  const last = rings.get(name);
  if (last && last.value === value) return last.ring;
  const ring = parseKeyRing(name, value);
  rings.set(name, { value, ring });
  return ring;
}
