/**
 * @module
 * The current sanctions set in KV, published by the sanctions job and read by the gateway's
 * screening (shared/screening/sanctionsSet.ts).
 */

export interface PublishedSanctions {
  version: number;
  /** SHA-256 (hex) of the sorted addresses, one per line. */
  hash: string;
  /** When this version was made (ISO 8601). */
  at: string;
  /** Sorted lower-case addresses. */
  addresses: string[];
}

const KEY = "sanctions:v1:current";

export function readPublished(kv: KVNamespace, cacheTtl?: number): Promise<PublishedSanctions | null> {
  return kv.get<PublishedSanctions>(KEY, { type: "json", ...(cacheTtl ? { cacheTtl } : {}) });
}

export function publish(kv: KVNamespace, sanctions: PublishedSanctions): Promise<void> {
  return kv.put(KEY, JSON.stringify(sanctions));
}
