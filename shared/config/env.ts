/**
 * @module
 * The script's bindings, shared by its three entry points, and the settings derived from them. The
 * Durable Objects appear as the interfaces they answer, never as their classes.
 */
import { z } from "zod";
import type { AuditAnchorApi } from "../audit/anchorProtocol";
import type { TenantMeterApi } from "../metering/meterProtocol";
import type { ChainMetricsApi } from "../metrics/metricsProtocol";
import type { ChainFeedApi, FanoutShardApi, ShardDirectoryApi } from "../stream/protocol";

export interface Env {
  DB: D1Database;
  CONFIG_KV: KVNamespace;
  /** Call results that can never change, shared by every location (shared/cache/tiers.ts). */
  RPC_CACHE: KVNamespace;
  /** One rate limiter and usage meter per tenant. */
  METER: DurableObjectNamespace<TenantMeterApi>;
  /** Failed authentications per client address (workers/gateway/src/auth/authLimit.ts). */
  AUTH_LIMITER: RateLimit;
  /** WebSocket subscriptions (workers/stream): the entrypoint, the per-chain feeds, the fan-out shards. */
  STREAM: Fetcher;
  FEED: DurableObjectNamespace<ChainFeedApi>;
  SHARD: DurableObjectNamespace<FanoutShardApi>;
  /** Per chain and region: which fan-out shard a new socket joins (shared/stream/placement.ts). */
  SHARD_DIRECTORY: DurableObjectNamespace<ShardDirectoryApi>;
  /** Most client sockets one fan-out shard holds (default 1000); past it, the region opens another. */
  STREAM_SHARD_SOCKETS?: string;
  /** A location hint ("enam", "weur", ...) for every socket instead of the client's region from `cf`. */
  STREAM_REGION?: string;
  /** HS256 secret for admin JWTs (at least 32 bytes). */
  ADMIN_JWT_SECRET: string;
  /** The `iss` and `aud` every admin JWT must carry, and the longest `exp - iat` accepted. */
  ADMIN_ISSUER?: string;
  ADMIN_AUDIENCE?: string;
  ADMIN_MAX_TOKEN_SECONDS?: string;
  /**
   * Operators' public keys for admin JWTs, a JWKS (`{"keys":[...]}`): EdDSA (Ed25519) or ES256 JWKs,
   * each with its `kid` and `alg`. A token names its key by `kid`.
   */
  ADMIN_KEYS?: string;
  /** Seals upstream URLs at rest: a key ring, newest first (`k2:<base64>,k1:<base64>`; shared/crypto/keyRing.ts). */
  UPSTREAM_KEY: string;
  /** Links the audit log's rows (HMAC-SHA-256): a key ring like UPSTREAM_KEY. */
  AUDIT_KEY: string;
  /** The audit log's anchors, one per chain, outside D1 (shared/audit). */
  AUDIT: DurableObjectNamespace<AuditAnchorApi>;
  /** A sanctions snapshot that removes more than this share of the addresses waits for an admin (0-1). */
  SANCTIONS_MAX_SHRINK?: string;
  /** The largest sanctions list body read, in bytes. */
  SANCTIONS_MAX_LIST_BYTES?: string;
  MAX_BODY_BYTES?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  METER_LEASE_MS?: string;
  /** With no sanctions snapshot yet: "refuse" transactions (the default) or "allow" them unscreened. */
  SCREENING_WITHOUT_SNAPSHOT?: string;
  /** Where admin-given URLs may point: "public" (default: https, public names) or "loopback" (local nodes, http). */
  EGRESS?: string;
  /** Request metrics, one object per chain (shared/metrics). */
  METRICS: DurableObjectNamespace<ChainMetricsApi>;
  /** Workers Analytics Engine: one data point per answered call (shared/metrics/dataPoint.ts). Absent: none written. */
  ANALYTICS?: AnalyticsEngineDataset;
  /** "off" records no request metrics (the benchmark's comparison); "on" by default. */
  METRICS_MODE?: string;
  /** The bench's edge model only (`{"kv":8,"d1":40,"do":15}`, shared/bench/edgeLatency.ts); never set in wrangler.toml. */
  BENCH_EDGE_LATENCY?: string;
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
  /** Where admin-given URLs may point (shared/http/egress.ts). */
  egress: z.enum(["public", "loopback"]).default("public"),
  adminIssuer: z.string().min(1).default("rpc-gateway-admin"),
  adminAudience: z.string().min(1).default("rpc-gateway"),
  /** The longest lifetime (`exp - iat`) of an admin token, in seconds. */
  adminMaxTokenSeconds: z.coerce.number().int().positive().default(3_600),
  /** The share of addresses a new sanctions snapshot may remove before it waits for an admin. */
  sanctionsMaxShrink: z.coerce.number().min(0).max(1).default(0.1),
  sanctionsMaxListBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /** Request metrics: "on", or "off" for the benchmark's comparison. */
  metrics: z.enum(["on", "off"]).default("on"),
});

export type Settings = z.infer<typeof SettingsSchema>;

/** The settings of the last variables seen (one entry, this isolate's life): parsed once, not per request. */
let cached: { from: readonly unknown[]; settings: Settings } | undefined;

/** Validated settings, parsed again only when the variables they come from change. */
export function settingsOf(env: Env): Settings {
  const from = [
    env.MAX_BODY_BYTES,
    env.UPSTREAM_TIMEOUT_MS,
    env.METER_LEASE_MS,
    env.SCREENING_WITHOUT_SNAPSHOT,
    env.ADMIN_ISSUER,
    env.ADMIN_AUDIENCE,
    env.ADMIN_MAX_TOKEN_SECONDS,
    env.EGRESS,
    env.SANCTIONS_MAX_SHRINK,
    env.SANCTIONS_MAX_LIST_BYTES,
    env.METRICS_MODE,
  ];
  if (!cached || cached.from.some((v, i) => v !== from[i])) {
    const settings = SettingsSchema.parse({
      maxBodyBytes: from[0],
      upstreamTimeoutMs: from[1],
      meterLeaseMs: from[2],
      screeningWithoutSnapshot: from[3],
      adminIssuer: from[4],
      adminAudience: from[5],
      adminMaxTokenSeconds: from[6],
      egress: from[7],
      sanctionsMaxShrink: from[8],
      sanctionsMaxListBytes: from[9],
      metrics: from[10],
    });
    cached = { from, settings };
  }
  return cached.settings;
}
