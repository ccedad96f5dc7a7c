/**
 * A Map for isolate-level state that holds at most `maxEntries`: adding a new key past the bound
 * drops the key added first. For state that is cheap to rebuild (health, turns), where an unbounded
 * Map would grow with every id an isolate ever sees.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly maxEntries: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.maxEntries) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
