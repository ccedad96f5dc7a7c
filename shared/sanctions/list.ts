/**
 * @module
 * Sanctions lists as sets of addresses: parsed from the text of a list (one address per line, or
 * JSON), normalised (lower-case `0x` + 40 hex; anything else dropped and counted), merged, compared
 * and hashed. Pure.
 */
import { sha256Hex } from "../crypto/hash";

export interface AddressList {
  /** Sorted, unique, lower-case. */
  addresses: string[];
  /** Entries that were not an address. */
  dropped: number;
}

const ADDRESS = /^0x[0-9a-f]{40}$/;

/** The addresses among `values`, normalised, sorted and unique; the rest counted as dropped. */
export function normalise(values: readonly unknown[]): AddressList {
  const set = new Set<string>();
  let dropped = 0;
  for (const value of values) {
    const text = typeof value === "string" ? value.trim().toLowerCase() : undefined;
    if (text !== undefined && ADDRESS.test(text)) set.add(text);
    else dropped++;
  }
  return { addresses: [...set].sort(), dropped };
}

/**
 * A list's text: a JSON array of addresses (or of objects with an `address`), a JSON object with an
 * `addresses` array, or plain text with one address per line (blank lines and `#` comments skipped).
 */
export function parseList(text: string): AddressList {
  const trimmed = text.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new Error("the list looks like JSON but does not parse");
    }
    const entries = Array.isArray(json) ? json : (json as { addresses?: unknown }).addresses;
    if (!Array.isArray(entries)) throw new Error("a JSON list must be an array or have an `addresses` array");
    return normalise(
      entries.map((e) => (typeof e === "object" && e !== null ? (e as { address?: unknown }).address : e)),
    );
  }
  const lines = trimmed.split(/\r?\n/).map((l) => l.trim());
  return normalise(lines.filter((l) => l !== "" && !l.startsWith("#")));
}

/** The union of sorted lists, sorted. */
export function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

export interface SetDiff {
  added: string[];
  removed: string[];
}

/** What changed from `before` to `after` (both sorted): each side sorted. */
export function diff(before: readonly string[], after: readonly string[]): SetDiff {
  const old = new Set(before);
  const now = new Set(after);
  return { added: after.filter((a) => !old.has(a)), removed: before.filter((a) => !now.has(a)) };
}

/** SHA-256 (hex) of the sorted addresses, one per line: the same set always hashes the same. */
export function listHash(sorted: readonly string[]): Promise<string> {
  return sha256Hex(sorted.join("\n"));
}

export type OracleEvent = { kind: "added" | "removed"; addresses: readonly string[] };

/** The set after the oracle's events, applied in the order they were logged. */
export function applyOracleEvents(start: readonly string[], events: readonly OracleEvent[]): string[] {
  const set = new Set(start);
  for (const event of events) {
    for (const raw of event.addresses) {
      const address = raw.toLowerCase();
      if (event.kind === "added") set.add(address);
      else set.delete(address);
    }
  }
  return [...set].sort();
}
