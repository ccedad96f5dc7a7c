import { describe, expect, test } from "vitest";
import { ByteLru } from "../../../shared/isolate/byteLru";

/** An entry's size as ByteLru counts it: two bytes per UTF-16 unit of key and value. */
const size = (key: string, value: string) => 2 * (key.length + value.length);
const NOW = 1_000_000;

describe("ByteLru", () => {
  test("keeps entries until their expiry", () => {
    const lru = new ByteLru(1_000);
    lru.set("a", "1", 100, NOW);
    expect(lru.get("a", NOW + 99)).toBe("1");
    expect(lru.get("a", NOW + 100)).toBeUndefined();
  });

  test("over its byte bound, drops the least recently used entries first", () => {
    const value = "x".repeat(9);
    const lru = new ByteLru(3 * size("a", value) * 8);
    // An eighth of the bound each at most: fill with small entries.
    const keys = Array.from({ length: 24 }, (_, i) => String.fromCharCode(97 + i));
    for (const key of keys) lru.set(key, value, 60_000, NOW);
    lru.get("a", NOW);
    lru.set("z", value, 60_000, NOW);
    // 24 entries fill it; one more pushes out the oldest not read since: "b", not "a".
    expect(lru.get("a", NOW)).toBe(value);
    expect(lru.get("b", NOW)).toBeUndefined();
    expect(lru.get("c", NOW)).toBe(value);
    expect(lru.get("z", NOW)).toBe(value);
  });

  test("an entry over an eighth of the bound is not kept, and does not push others out", () => {
    const lru = new ByteLru(800);
    lru.set("a", "1", 60_000, NOW);
    lru.set("big", "y".repeat(60), 60_000, NOW);
    expect(lru.get("big", NOW)).toBeUndefined();
    expect(lru.get("a", NOW)).toBe("1");
  });

  test("setting a key again replaces it and counts its size once", () => {
    const value = "x".repeat(9);
    const lru = new ByteLru(8 * size("k", value));
    for (let i = 0; i < 10; i++) lru.set("k", value, 60_000, NOW);
    lru.set("j", value.slice(1), 60_000, NOW);
    expect(lru.get("k", NOW)).toBe(value);
    expect(lru.get("j", NOW)).toBe(value.slice(1));
  });
});
