/** The gateway's bindings and the settings derived from them once per isolate. */
import { z } from "zod";

export interface Env {
  DB: D1Database;
  CONFIG_KV: KVNamespace;
  /** HS256 secret for admin JWTs (at least 32 bytes). */
  ADMIN_JWT_SECRET: string;
  /** 32 random bytes, base64: seals upstream URLs at rest. */
  UPSTREAM_KEY: string;
  MAX_BODY_BYTES?: string;
  UPSTREAM_TIMEOUT_MS?: string;
}

const SettingsSchema = z.object({
  maxBodyBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  upstreamTimeoutMs: z.coerce.number().int().positive().default(10_000),
});

export type Settings = z.infer<typeof SettingsSchema>;

const cache = new WeakMap<Env, Settings>();

export function settingsOf(env: Env): Settings {
  let settings = cache.get(env);
  if (!settings) {
    settings = SettingsSchema.parse({
      maxBodyBytes: env.MAX_BODY_BYTES,
      upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    });
    cache.set(env, settings);
  }
  return settings;
}
