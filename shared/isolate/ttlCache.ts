/** A bounded in-isolate cache with per-entry expiry; when full, the entry inserted first goes. */

export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();

  constructor(readonly maxEntries: number) {}

  get(key: string, now = Date.now()): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number, now = Date.now()): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: now + ttlMs });
    if (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
