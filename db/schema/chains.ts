/**
 * @module
 * Chains, their upstreams (URLs sealed, never in clear) and the probe history.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

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
  /** Typical time between blocks; head-dependent answers (eth_blockNumber...) are cached half of it. */
  blockTimeMs: integer("block_time_ms").notNull().default(12_000),
  /** Blocks below an upstream's head taken as final when it does not answer the `finalized` tag. */
  finalityDepth: integer("finality_depth").notNull().default(64),
  /** Widest eth_getLogs block range sent to one upstream; wider ranges are split or refused. */
  logsBlockRange: integer("logs_block_range").notNull().default(10_000),
  /** Most logs one eth_getLogs call may return. */
  logsMaxResults: integer("logs_max_results").notNull().default(10_000),
  /**
   * `evm`: a JSON-RPC chain served at /v1/<slug>. `avalanche-p`: an Avalanche P-Chain (upstream URLs
   * end in /ext/bc/P), read only by the validators job.
   */
  kind: text("kind", { enum: ["evm", "avalanche-p"] })
    .notNull()
    .default("evm"),
  /** Largest upstream answer read, in bytes; a larger one fails that upstream request. */
  maxResponseBytes: integer("max_response_bytes").notNull().default(33_554_432),
  /** Part of every response-cache key of the chain: raised by a purge, which orphans all kept answers. */
  cacheGeneration: integer("cache_generation").notNull().default(0),
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
    /** Why the gateway itself disabled it (a probe found another chain's id); cleared on re-enable. */
    disabledReason: text("disabled_reason"),
    /** The public status page may show its name (a provider's, say); otherwise it is "upstream N" there. */
    public: integer("public", { mode: "boolean" }).notNull().default(false),
    createdAt: timestamp("created_at"),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [index("upstreams_chain_idx").on(t.chain)],
);

/** Each upstream probe's result; kept 7 days (the probe job deletes older rows). */
export const upstreamProbes = sqliteTable(
  "upstream_probes",
  {
    at: integer("at", { mode: "number" }).notNull(),
    chain: text("chain").notNull(),
    upstreamId: text("upstream_id").notNull(),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    latencyMs: integer("latency_ms"),
    head: integer("head"),
    finalized: integer("finalized"),
    syncing: integer("syncing", { mode: "boolean" }),
    error: text("error"),
  },
  (t) => [
    primaryKey({ columns: [t.upstreamId, t.at] }),
    index("upstream_probes_chain_at_idx").on(t.chain, t.at),
    index("upstream_probes_at_idx").on(t.at),
  ],
);
