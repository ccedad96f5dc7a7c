/** The key cache tiers: misses remembered apart from valid keys, in memory and in KV, and dropped on change. */
import { describe, expect, test, vi } from "vitest";
import { forgetCached, MISS_KV_TTL_S, readKey, remembered } from "../../../shared/keys/keyCache";
import type { KeyContext } from "../../../shared/keys/keyContext";

/** An in-memory stand-in for a KV namespace: get (json), put, delete. */
function memoryKv() {
  const store = new Map<string, { value: string; expirationTtl?: number }>();
  const kv = {
    get: async (key: string) => {
      const hit = store.get(key);
      return hit ? JSON.parse(hit.value) : null;
    },
    put: async (key: string, value: string, options?: { expirationTtl?: number }) => {
      store.set(key, { value, expirationTtl: options?.expirationTtl });
    },
    delete: async (key: string) => {
      store.delete(key);
    },
  };
  return { kv: kv as unknown as KVNamespace, store };
}

const context = { keyId: "key_1", tenantId: "tnt_1" } as KeyContext;
const now = (p: Promise<unknown>) => p;

describe("key cache", () => {
  test("a flood of misses does not evict a valid key from memory", async () => {
    const { kv } = memoryKv();
    await readKey(kv, "key:real", async () => context, now);
    for (let i = 0; i < 10_050; i++) await readKey(kv, `key:unknown-${i}`, async () => null, now);
    expect(remembered("key:real")).toEqual(context);
    expect(remembered("key:unknown-10049")).toBeNull();
  });

  test("a miss is kept in KV for 10 minutes, and answers there without D1", async () => {
    const { kv, store } = memoryKv();
    const load = vi.fn(async () => null);
    expect(await readKey(kv, "key:gone", load, now)).toBeNull();
    expect(store.get("key:gone")?.expirationTtl).toBe(MISS_KV_TTL_S);
    expect(MISS_KV_TTL_S).toBe(600);
    await forgetCached({ ...kv, delete: async () => {} } as KVNamespace, "key:gone");
    expect(remembered("key:gone")).toBeUndefined();
    expect(await readKey(kv, "key:gone", load, now)).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
  });

  test("forgetting a key drops its miss from memory and KV, so the next read asks D1", async () => {
    const { kv, store } = memoryKv();
    await readKey(kv, "key:new", async () => null, now);
    await forgetCached(kv, "key:new");
    expect(store.has("key:new")).toBe(false);
    expect(await readKey(kv, "key:new", async () => context, now)).toEqual(context);
  });
});
