/**
 * An isolate's least-recently-used cache of strings, bounded by their total size, with per-entry
 * expiry. Sizes count UTF-16 code units twice (what V8 may hold), so the bound is conservative.
 */
export class ByteLru {
  readonly #entries = new Map<string, { value: string; expires: number; bytes: number }>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string, now = Date.now()): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= now) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    // Back to the young end.
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: string, ttlMs: number, now = Date.now()): void {
    this.delete(key);
    const bytes = 2 * (key.length + value.length);
    // One entry may take an eighth of the cache at most, so one huge answer cannot flush it.
    if (bytes > this.maxBytes / 8 || ttlMs <= 0) return;
    this.#entries.set(key, { value, expires: now + ttlMs, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
