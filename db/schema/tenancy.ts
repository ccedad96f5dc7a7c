/**
 * @module
 * Plans, tenants and their API keys (stored only as SHA-256 hashes).
 */
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  maxBatch: integer("max_batch").notNull().default(100),
  /** Opt-in namespaces, JSON array of "debug" | "trace" | "txpool". */
  namespaces: text("namespaces", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  /** Compute units a tenant may spend per second, and at once (the token bucket's size). */
  cuPerSecond: integer("cu_per_second").notNull().default(500),
  burstCu: integer("burst_cu").notNull().default(1_000),
  /** Compute units per calendar month (UTC). */
  monthlyCu: integer("monthly_cu").notNull().default(30_000_000),
  /** When the rate limiter cannot be reached and the current lease is spent: refuse or serve. */
  onMeterDown: text("on_meter_down", { enum: ["closed", "open"] })
    .notNull()
    .default("closed"),
  /** Widest eth_getLogs block range one call may ask for; the gateway splits it into chunks. */
  logsMaxBlockRange: integer("logs_max_block_range").notNull().default(100_000),
  /** WebSockets a tenant may hold open at once, over all its keys and chains. */
  wsMaxConnections: integer("ws_max_connections").notNull().default(100),
  /** eth_subscribe subscriptions one WebSocket may hold. */
  wsMaxSubscriptions: integer("ws_max_subscriptions").notNull().default(100),
  /** Largest frame a client may send over a WebSocket, in bytes. */
  wsMaxMessageBytes: integer("ws_max_message_bytes").notNull().default(131_072),
  /**
   * Wildcard subscriptions a tenant may hold at once, over all its sockets: `logs` with no address
   * and `newPendingTransactions` (each is matched against every event of the chain).
   */
  wsMaxWildcardSubscriptions: integer("ws_max_wildcard_subscriptions").notNull().default(10),
  /** Filters (eth_newFilter and the like) a tenant may hold at once. */
  maxFilters: integer("max_filters").notNull().default(100),
  /** A transaction touching a sanctioned address: refused (block) or sent and recorded (flag). */
  screening: text("screening", { enum: ["block", "flag"] })
    .notNull()
    .default("block"),
  /**
   * Send methods the gateway cannot decode (mev_sendBundle, eth_sendUserOperation...) that this plan
   * may use unscreened: JSON array of method names. Any other is refused.
   */
  unscreenedSends: text("unscreened_sends", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  /** Every key of the plan's tenants needs a tenant-signed JWT (shared/keys/tenantJwt.ts) with each request. */
  requireJwt: integer("require_jwt", { mode: "boolean" }).notNull().default(false),
  createdAt: timestamp("created_at"),
});

export const tenants = sqliteTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    status: text("status", { enum: ["active", "suspended"] })
      .notNull()
      .default("active"),
    createdAt: timestamp("created_at"),
  },
  (t) => [
    index("tenants_plan_idx").on(t.planId),
    check("tenants_status_check", sql`${t.status} in ('active','suspended')`),
  ],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull().default(""),
    /** The first characters of the key, shown to help people tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key, hex. */
    hash: text("hash").notNull().unique(),
    createdAt: timestamp("created_at"),
    revokedAt: integer("revoked_at", { mode: "number" }),
    /** A cap on this key's CU per second below its plan's; null: the plan's rate. */
    cuPerSecond: integer("cu_per_second"),
    /**
     * Allowlists (shared/keys/keyRules.ts), JSON arrays stored normalised; null: no rule of that kind.
     * Kinds combine with AND, the entries of one kind with OR.
     */
    allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>(),
    allowedIps: text("allowed_ips", { mode: "json" }).$type<string[]>(),
    allowedMethods: text("allowed_methods", { mode: "json" }).$type<string[]>(),
    allowedContracts: text("allowed_contracts", { mode: "json" }).$type<string[]>(),
    allowedChains: text("allowed_chains", { mode: "json" }).$type<string[]>(),
    /** SHA-256 of the key's secret, hex; a request presenting the secret skips the allowlists. Null: none. */
    secretHash: text("secret_hash"),
    /** This key needs a tenant-signed JWT with each request (as does every key of a plan that requires one). */
    requireJwt: integer("require_jwt", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("api_keys_tenant_idx").on(t.tenantId)],
);

/**
 * A tenant's public keys for the JWTs it signs for its users (shared/keys/tenantJwt.ts): each named by
 * `kid`, unique within the tenant, and pinned to one algorithm. Only active keys verify tokens.
 */
export const tenantJwtKeys = sqliteTable(
  "tenant_jwt_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    kid: text("kid").notNull(),
    alg: text("alg", { enum: ["RS256", "ES256", "EdDSA"] }).notNull(),
    /** The public JWK, only the members its key type needs. */
    jwk: text("jwk", { mode: "json" }).$type<Record<string, string>>().notNull(),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: timestamp("created_at"),
    disabledAt: integer("disabled_at", { mode: "number" }),
  },
  (t) => [
    uniqueIndex("tenant_jwt_keys_kid_idx").on(t.tenantId, t.kid),
    check("tenant_jwt_keys_status_check", sql`${t.status} in ('active','disabled')`),
  ],
);
