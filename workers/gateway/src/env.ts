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
  upstreamTimeoutMs: z.coerce.number().int().positive().default(4_000),
});

export type Settings = z.infer<typeof SettingsSchema>;

let cached: { from: readonly unknown[]; settings: Settings } | undefined;

/** Validated settings, parsed again only when the variables they come from change. */
export function settingsOf(env: Env): Settings {
  const from = [env.MAX_BODY_BYTES, env.UPSTREAM_TIMEOUT_MS];
  if (!cached || cached.from.some((v, i) => v !== from[i])) {
    const settings = SettingsSchema.parse({ maxBodyBytes: from[0], upstreamTimeoutMs: from[1] });
    cached = { from, settings };
  }
  return cached.settings;
}
