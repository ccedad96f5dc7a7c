/** The bounded in-isolate cache: expiry against an explicit clock, and eviction when full. */
import { describe, expect, test } from "vitest";
import { TtlCache } from "../../../shared/isolate/ttlCache";

describe("TtlCache", () => {
  test("returns a value until its time to live has passed", () => {
    const cache = new TtlCache<string>(10);
    cache.set("k", "v", 100, 1_000);
    expect(cache.get("k", 1_000)).toBe("v");
    expect(cache.get("k", 1_099)).toBe("v");
    expect(cache.get("k", 1_100)).toBeUndefined();
  });

  test("stays expired once an entry has expired", () => {
    const cache = new TtlCache<string>(10);
    cache.set("k", "v", 100, 1_000);
    expect(cache.get("k", 2_000)).toBeUndefined();
    expect(cache.get("k", 1_000)).toBeUndefined();
  });

  test("returns undefined for a key never set", () => {
    expect(new TtlCache<string>(10).get("missing", 0)).toBeUndefined();
  });

  test("replaces a value and its expiry when set again", () => {
    const cache = new TtlCache<string>(10);
    cache.set("k", "old", 100, 1_000);
    cache.set("k", "new", 1_000, 1_050);
    expect(cache.get("k", 1_500)).toBe("new");
  });

  test("drops the entry inserted first when full", () => {
    const cache = new TtlCache<number>(2);
    cache.set("a", 1, 1_000, 0);
    cache.set("b", 2, 1_000, 0);
    cache.set("c", 3, 1_000, 0);
    expect([cache.get("a", 1), cache.get("b", 1), cache.get("c", 1)]).toEqual([undefined, 2, 3]);
  });

  test("counts a key set again as newly inserted", () => {
    const cache = new TtlCache<number>(2);
    cache.set("a", 1, 1_000, 0);
    cache.set("b", 2, 1_000, 0);
    cache.set("a", 10, 1_000, 0);
    cache.set("c", 3, 1_000, 0);
    expect([cache.get("a", 1), cache.get("b", 1), cache.get("c", 1)]).toEqual([10, undefined, 3]);
  });

  test("does not count reads when choosing what to drop", () => {
    const cache = new TtlCache<number>(2);
    cache.set("a", 1, 1_000, 0);
    cache.set("b", 2, 1_000, 0);
    cache.get("a", 1);
    cache.set("c", 3, 1_000, 0);
    expect(cache.get("a", 1)).toBeUndefined();
  });

  test("forgets a deleted key", () => {
    const cache = new TtlCache<string>(10);
    cache.set("k", "v", 100, 1_000);
    cache.delete("k");
    expect(cache.get("k", 1_000)).toBeUndefined();
  });
});
