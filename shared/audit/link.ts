/**
 * @module
 * The link of an audit row: an HMAC-SHA-256, with a key of the AUDIT_KEY ring, over the row and the
 * link before it. Rows from before keyed links (up to the anchor's `legacyUntil`) carry the plain
 * SHA-256 of their time, which anyone could recompute; the anchor's checkpoint at `legacyUntil` is
 * what vouches for them.
 */

import { sha256Hex, toHex } from "../crypto/hash";
import type { KeyRing, RingKey } from "../crypto/keyRing";

export const GENESIS_LINK = "0".repeat(64);
/** The anchor keeps a checkpoint every this many rows of a chain. */
export const CHECKPOINT_EVERY = 1_000;

/** An audit row as linked: what it says, where it sits, and the link before it. */
export interface LinkedRow {
  chain: string;
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  prevHash: string;
}

const encoder = new TextEncoder();
const hmacKeys = new Map<Uint8Array, Promise<CryptoKey>>();

function hmacKey(key: RingKey): Promise<CryptoKey> {
  let imported = hmacKeys.get(key.raw);
  if (!imported) {
    if (hmacKeys.size > 16) hmacKeys.clear();
    imported = crypto.subtle.importKey("raw", key.raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(key.raw, imported);
  }
  return imported;
}

/** What a row says, in the order its link covers it. */
const contentOf = (row: LinkedRow) => [
  row.at,
  row.actor,
  row.action,
  row.target,
  row.before ?? null,
  row.after ?? null,
];

/** The keyed link of a row: HMAC over its chain, seq, key id, previous link and content. */
export async function keyedLink(key: RingKey, row: LinkedRow): Promise<string> {
  const text = JSON.stringify([row.chain, row.seq, key.id, row.prevHash, ...contentOf(row)]);
  return toHex(await crypto.subtle.sign("HMAC", await hmacKey(key), encoder.encode(text)));
}

/** The link rows had before keyed links: SHA-256 over the previous link and the row. */
export function legacyLink(row: LinkedRow): Promise<string> {
  return sha256Hex(JSON.stringify([row.prevHash, ...contentOf(row)]));
}

/** The link a stored row must carry, or why it cannot be checked. */
export async function expectedLink(
  ring: KeyRing,
  row: LinkedRow & { keyId: string | null },
  legacyUntil: number,
): Promise<{ link: string } | { problem: string }> {
  if (row.seq <= legacyUntil) return { link: await legacyLink(row) };
  if (row.keyId === null) {
    return { problem: "it has no key id, but it was written after keyed links began (a forged row)" };
  }
  const key = ring.byId.get(row.keyId);
  if (!key) {
    return {
      problem: `it is linked with AUDIT_KEY key "${row.keyId}", which is no longer listed; list it again, re-seal, then remove it`,
    };
  }
  return { link: await keyedLink(key, row) };
}
