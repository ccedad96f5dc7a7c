/**
 * Drops cached key contexts (isolate memory and KV) after a change to keys, tenants or plans: the
 * change applies at once in this location and within 60 s everywhere (see cache/readThrough).
 */

import type { Env } from "../config/env";
import { invalidate } from "../config/readThrough";
import { keyCacheKey, keyMemory } from "./resolveKey";

export async function forgetKeys(env: Env, keys: readonly { hash: string }[]): Promise<void> {
  await Promise.all(keys.map(({ hash }) => invalidate(env.CONFIG_KV, keyMemory, keyCacheKey(hash))));
}
