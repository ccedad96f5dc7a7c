/**
 * Stale-while-revalidate within the revocation bound: a held value is served without I/O, read again
 * in the background once due, and never served past 60 s from when D1 said so.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import {
  type Held,
  KV_REFRESH_MS,
  REFRESH_AFTER_MS,
  REVOCATION_BOUND_MS,
  readThrough,
} from "../../../shared/config/readThrough";
import { TtlCache } from "../../../shared/isolate/ttlCache";

/**
 * An in-memory stand-in for a KV namespace (get as json, put), counting reads. A read takes
 * `slow.getMs` of the controlled clock; a write fails while `slow.failPut`.
 */
function memoryKv() {
  const store = new Map<string, string>();
  const reads = { count: 0 };
  const slow = { getMs: 0, failPut: false };
  const kv = {
    get: async (key: string) => {
      reads.count += 1;
      vi.setSystemTime(Date.now() + slow.getMs);
      const hit = store.get(key);
      return hit ? JSON.parse(hit) : null;
    },
    put: async (key: string, value: string) => {
      if (slow.failPut) throw new Error("KV write failed");
      store.set(key, value);
    },
  };
  return { kv: kv as unknown as KVNamespace, store, reads, slow };
}

const T0 = 1_000_000_000_000;

describe("readThrough", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  function setup() {
    const { kv, store, reads, slow } = memoryKv();
    const memory = new TtlCache<Held<string>>(10);
    const d1 = { value: "v1" as string | null, reads: 0 };
    const background: Promise<unknown>[] = [];
    const params = {
      kv,
      key: "k",
      memory,
      load: async () => {
        d1.reads += 1;
        return d1.value;
      },
      hydrate: (s: string) => s,
      waitUntil: (p: Promise<unknown>) => {
        background.push(p);
      },
    };
    const settle = () => Promise.all(background.splice(0));
    return { params, store, reads, d1, settle, slow };
  }

  test("a held value is served without I/O until it is due for refresh", async () => {
    const { params, reads, d1 } = setup();
    expect(await readThrough(params)).toBe("v1");
    const afterFirst = { kv: reads.count, d1: d1.reads };
    vi.setSystemTime(T0 + REFRESH_AFTER_MS - 1);
    expect(readThrough(params)).toBe("v1");
    expect({ kv: reads.count, d1: d1.reads }).toEqual(afterFirst);
  });

  test("once due, the held value is served and read again in the background", async () => {
    const { params, store, settle } = setup();
    expect(await readThrough(params)).toBe("v1");
    await settle();
    // Another isolate refreshed KV from D1 meanwhile.
    store.set("k", JSON.stringify({ at: T0 + REFRESH_AFTER_MS, value: "v2" }));
    vi.setSystemTime(T0 + REFRESH_AFTER_MS);
    expect(readThrough(params)).toBe("v1");
    await settle();
    expect(readThrough(params)).toBe("v2");
  });

  test("a KV entry due for D1 is served within the bound and read from D1 in the background", async () => {
    const { params, store, settle } = setup();
    store.set("k", JSON.stringify({ at: T0 - KV_REFRESH_MS - 1, value: "old" }));
    // D1 answers only when told: the request must not wait for it.
    let answer: (value: string | null) => void = () => {};
    const load = () => new Promise<string | null>((resolve) => (answer = resolve));
    expect(await readThrough({ ...params, load })).toBe("old");
    answer(null);
    await settle();
    // D1 said the value is gone: memory now holds the miss.
    expect(await readThrough(params)).toBeNull();
  });

  test("past the bound, a value is not served: KV's entry is past it too, so D1 is read first", async () => {
    const { params, d1 } = setup();
    expect(await readThrough(params)).toBe("v1");
    // Revoked in D1; no request came in to refresh this isolate's copy.
    d1.value = null;
    vi.setSystemTime(T0 + REVOCATION_BOUND_MS + 1);
    expect(await readThrough(params)).toBeNull();
    expect(d1.reads).toBe(2);
  });

  test("a value read slowly from KV is held no longer than 60 s from when D1 said so", async () => {
    const { params, store, d1, slow } = setup();
    // Not yet due for D1, so no refresh from D1 runs meanwhile.
    const at = T0 - KV_REFRESH_MS + 5_000;
    store.set("k", JSON.stringify({ at, value: "kept" }));
    slow.getMs = 5_000;
    expect(await readThrough(params)).toBe("kept");
    slow.getMs = 0;
    // Revoked in D1 meanwhile; no refresh reached this isolate.
    d1.value = null;
    vi.setSystemTime(at + REVOCATION_BOUND_MS + 1);
    expect(await readThrough(params)).toBeNull();
  });

  test("a value read slowly from D1 in the background is held no longer than 60 s from the read", async () => {
    const { params, store, d1, settle } = setup();
    store.set("k", JSON.stringify({ at: T0 - KV_REFRESH_MS - 1, value: "old" }));
    d1.value = "v2";
    // D1 answers 5 s after it was asked.
    const load = async () => {
      const value = d1.value;
      vi.setSystemTime(Date.now() + 5_000);
      return value;
    };
    expect(await readThrough({ ...params, load })).toBe("old");
    await settle();
    expect(readThrough(params)).toBe("v2");
    d1.value = null;
    vi.setSystemTime(T0 + REVOCATION_BOUND_MS + 1);
    expect(await readThrough(params)).toBeNull();
  });

  test("a background read from D1 is held though writing it to KV fails", async () => {
    const { params, store, d1, settle, slow } = setup();
    store.set("k", JSON.stringify({ at: T0 - KV_REFRESH_MS - 1, value: "old" }));
    d1.value = "v2";
    slow.failPut = true;
    expect(await readThrough(params)).toBe("old");
    await settle();
    expect(readThrough(params)).toBe("v2");
  });
});
