/** The gateway's bindings and the settings derived from them once per isolate. */
import { z } from "zod";
import type { ChainFeed } from "../../stream/src/feed";
import type { Stream } from "../../stream/src/index";
import type { FanoutShard } from "../../stream/src/shard";
import type { TenantMeter } from "./meter/object";

export interface Env {
  DB: D1Database;
  CONFIG_KV: KVNamespace;
  /** Call results that can never change, shared by every location (cache/responses.ts). */
  RPC_CACHE: KVNamespace;
  /** One rate limiter and usage meter per tenant. */
  METER: DurableObjectNamespace<TenantMeter>;
  /** WebSocket subscriptions (workers/stream): the entrypoint, the per-chain feeds, the fan-out shards. */
  STREAM: Service<Stream>;
  FEED: DurableObjectNamespace<ChainFeed>;
  SHARD: DurableObjectNamespace<FanoutShard>;
  /** Fan-out shards per chain; each client socket goes to one of them at random. */
  STREAM_SHARDS?: string;
  /** HS256 secret for admin JWTs (at least 32 bytes). */
  ADMIN_JWT_SECRET: string;
  /** 32 random bytes, base64: seals upstream URLs at rest. */
  UPSTREAM_KEY: string;
  MAX_BODY_BYTES?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  METER_LEASE_MS?: string;
  /** With no sanctions snapshot yet: "refuse" transactions (the default) or "allow" them unscreened. */
  SCREENING_WITHOUT_SNAPSHOT?: string;
}

const SettingsSchema = z.object({
  maxBodyBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  upstreamTimeoutMs: z.coerce.number().int().positive().default(4_000),
  /** Milliseconds of a tenant's rate an isolate leases at a time; 0 asks the meter on every request. */
  meterLeaseMs: z.coerce.number().int().min(0).max(1_000).default(100),
  screeningWithoutSnapshot: z.enum(["refuse", "allow"]).default("refuse"),
});

export type Settings = z.infer<typeof SettingsSchema>;

let cached: { from: readonly unknown[]; settings: Settings } | undefined;

/** Validated settings, parsed again only when the variables they come from change. */
export function settingsOf(env: Env): Settings {
  const from = [
    env.MAX_BODY_BYTES,
    env.UPSTREAM_TIMEOUT_MS,
    env.METER_LEASE_MS,
    env.SCREENING_WITHOUT_SNAPSHOT,
  ];
  if (!cached || cached.from.some((v, i) => v !== from[i])) {
    const settings = SettingsSchema.parse({
      maxBodyBytes: from[0],
      upstreamTimeoutMs: from[1],
      meterLeaseMs: from[2],
      screeningWithoutSnapshot: from[3],
    });
    cached = { from, settings };
  }
  return cached.settings;
}
