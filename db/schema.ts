/**
 * @module
 * D1 schema (drizzle). D1 is the source of truth for configuration; the gateway reads it through
 * KV and isolate caches. Secrets never sit here in clear: keys as SHA-256 hashes, upstream URLs sealed.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

const timestamp = (name: string) =>
  integer(name, { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  maxBatch: integer("max_batch").notNull().default(100),
  /** Opt-in namespaces, JSON array of "debug" | "trace" | "txpool". */
  namespaces: text("namespaces", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
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
  },
  (t) => [index("api_keys_tenant_idx").on(t.tenantId)],
);

export const chains = sqliteTable("chains", {
  /** URL slug, e.g. `ethereum`, `local`. */
  slug: text("slug").primaryKey(),
  chainId: integer("chain_id").notNull(),
  name: text("name").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** Time all attempts of one call may take together, in milliseconds. */
  budgetMs: integer("budget_ms").notNull().default(10_000),
  /** Upstreams further behind the highest head than this are not used for head-dependent calls. */
  maxLagBlocks: integer("max_lag_blocks").notNull().default(5),
  createdAt: timestamp("created_at"),
});

export const upstreams = sqliteTable(
  "upstreams",
  {
    id: text("id").primaryKey(),
    chain: text("chain")
      .notNull()
      .references(() => chains.slug),
    name: text("name").notNull(),
    /** AES-GCM sealed URL; never returned by any API. */
    urlSealed: text("url_sealed").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** JSON array: "archive" | "trace" | "debug" | "ws". */
    capabilities: text("capabilities", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** Oldest block it serves, when known (a pruned or partial-history node). */
    oldestBlock: integer("oldest_block"),
    createdAt: timestamp("created_at"),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [index("upstreams_chain_idx").on(t.chain)],
);

/** Append-only; each row's hash covers the previous row's hash, so edits and deletions show. */
export const auditLog = sqliteTable("audit_log", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  at: integer("at", { mode: "number" }).notNull(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  target: text("target").notNull(),
  before: text("before", { mode: "json" }),
  after: text("after", { mode: "json" }),
  /** Unique, so two writers racing on the same tail cannot both append. */
  prevHash: text("prev_hash").notNull().unique(),
  hash: text("hash").notNull(),
});
