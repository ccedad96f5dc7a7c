/**
 * @module
 * D1 schema (drizzle). D1 is the source of truth for configuration; the gateway reads it through
 * KV and isolate caches. Secrets never sit here in clear: keys as SHA-256 hashes, upstream URLs sealed.
 */
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const timestamp = (name: string) =>
  integer(name, { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

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
    createdAt: timestamp("created_at"),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [index("upstreams_chain_idx").on(t.chain)],
);

/**
 * Append-only, in chains (`admin`, `screening`), each numbered from 1 by its anchor Durable Object,
 * the chain's only writer (shared/audit). Each row's `hash` is its link: an HMAC with the AUDIT_KEY
 * key `key_id` over the row and `prev_hash`, the link before it. Rows from before keyed links have
 * no `key_id` and a plain SHA-256 link.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    chain: text("chain").notNull().default("admin"),
    seq: integer("seq").notNull().default(0),
    at: integer("at", { mode: "number" }).notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    keyId: text("key_id"),
  },
  (t) => [index("audit_log_chain_seq").on(t.chain, t.seq)],
);

/**
 * Usage per UTC day, tenant, key, chain and method family, as totals. The tenant's Durable Object
 * writes each row's running totals (never increments), so a flush that is retried or repeated
 * changes nothing.
 */
export const usageDaily = sqliteTable(
  "usage_daily",
  {
    /** YYYY-MM-DD, UTC. */
    day: text("day").notNull(),
    tenantId: text("tenant_id").notNull(),
    keyId: text("key_id").notNull(),
    chain: text("chain").notNull(),
    family: text("family").notNull(),
    /** JSON-RPC calls (each item of a batch is one). */
    requests: integer("requests").notNull(),
    cu: integer("cu").notNull(),
    /** Calls answered with an error. */
    errors: integer("errors").notNull(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.tenantId, t.keyId, t.chain, t.family] }),
    index("usage_daily_tenant_day_idx").on(t.tenantId, t.day),
  ],
);

/** One row per run of a scheduled job (workers/cron): what it did, or why it failed. */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    job: text("job").notNull(),
    startedAt: integer("started_at", { mode: "number" }).notNull(),
    /** Null while it runs (or when the run was cut off before it could finish). */
    endedAt: integer("ended_at", { mode: "number" }),
    /** ok: everything done; partial: some sources or targets failed (see error); failed: nothing done. */
    status: text("status", { enum: ["running", "ok", "partial", "failed"] }).notNull(),
    /** What the job counted, e.g. {"upstreams": 3, "healthy": 2}. */
    counts: text("counts", { mode: "json" }).$type<Record<string, number>>(),
    error: text("error"),
  },
  (t) => [index("job_runs_job_idx").on(t.job, t.startedAt)],
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

/** Chainlink AggregatorV3 feeds the price job reads (workers/cron/src/jobs/prices.ts). */
export const priceFeeds = sqliteTable(
  "price_feeds",
  {
    id: text("id").primaryKey(),
    /** The pair as served, e.g. `ETH/USD`; one feed per pair. */
    pair: text("pair").notNull().unique(),
    /** The chain (slug) the feed is read on, through its upstreams. */
    chain: text("chain").notNull(),
    address: text("address").notNull(),
    decimals: integer("decimals").notNull(),
    /** A round older than this many seconds is stale (the feed's heartbeat). */
    heartbeatSeconds: integer("heartbeat_seconds").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: timestamp("created_at"),
  },
  (t) => [index("price_feeds_chain_idx").on(t.chain)],
);

/**
 * Where the sanctions job reads addresses from: a list at a URL (plain text or JSON), or the
 * Chainalysis oracle's events on a chain. Each source keeps its last good addresses, so a source that
 * fails contributes what it had, never an empty list.
 */
export const sanctionSources = sqliteTable("sanction_sources", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  kind: text("kind", { enum: ["list", "oracle"] }).notNull(),
  /** list: where the list is fetched from. */
  url: text("url"),
  /** oracle: the chain (slug) and contract whose events are read, from this block on. */
  chain: text("chain"),
  address: text("address"),
  fromBlock: integer("from_block"),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** The last good read: sorted lower-case addresses (JSON), when it was, and entries dropped from it. */
  addresses: text("addresses", { mode: "json" }).$type<string[]>(),
  readAt: integer("read_at", { mode: "number" }),
  dropped: integer("dropped").notNull().default(0),
  /** oracle: the last block whose events are in `addresses`. */
  scannedTo: integer("scanned_to"),
  /** Why the last attempt failed; null when it succeeded. */
  lastError: text("last_error"),
  /** list: the SHA-256 (hex) its body must have; null: any body. */
  sha256: text("sha256"),
  createdAt: timestamp("created_at"),
});

/** Each distinct sanctions set the job published: a new version only when the set changes. */
export const sanctionsSnapshots = sqliteTable(
  "sanctions_snapshots",
  {
    version: integer("version").primaryKey({ autoIncrement: true }),
    at: integer("at", { mode: "number" }).notNull(),
    /** SHA-256 (hex) of the sorted addresses joined by newlines. */
    hash: text("hash").notNull(),
    size: integer("size").notNull(),
    addresses: text("addresses", { mode: "json" }).$type<string[]>().notNull(),
    added: text("added", { mode: "json" }).$type<string[]>().notNull(),
    removed: text("removed", { mode: "json" }).$type<string[]>().notNull(),
    /** Per source: name, status (ok, kept: failed and its last good data used, empty: no data yet), size. */
    sources: text("sources", { mode: "json" }).$type<unknown[]>().notNull(),
  },
  (t) => [index("sanctions_snapshots_at_idx").on(t.at)],
);

/**
 * Sets the job held back because they remove more than SANCTIONS_MAX_SHRINK of the current version's
 * addresses: at most one `pending` (a partial unique index), until an admin approves or rejects it or
 * a later run replaces or clears it. `addresses` is kept while pending, emptied once decided.
 */
export const sanctionsPending = sqliteTable(
  "sanctions_pending",
  {
    id: text("id").primaryKey(),
    at: integer("at", { mode: "number" }).notNull(),
    status: text("status", { enum: ["pending", "approved", "rejected", "replaced", "cleared"] })
      .notNull()
      .default("pending"),
    /** The version it was measured against (the one in force when it was held). */
    baseVersion: integer("base_version").notNull(),
    hash: text("hash").notNull(),
    size: integer("size").notNull(),
    addresses: text("addresses", { mode: "json" }).$type<string[]>().notNull(),
    added: integer("added").notNull(),
    removed: integer("removed").notNull(),
    /** removed / the base version's size. */
    share: real("share").notNull(),
    sources: text("sources", { mode: "json" }).$type<unknown[]>().notNull(),
    decidedAt: integer("decided_at", { mode: "number" }),
    /** The admin (admin:<sub>) or `cron:sanctions` that approved, rejected, replaced or cleared it. */
    decidedBy: text("decided_by"),
    /** approved: the version it was published as. */
    version: integer("version"),
  },
  (t) => [
    uniqueIndex("sanctions_pending_one").on(t.status).where(sql`${t.status} = 'pending'`),
    index("sanctions_pending_at_idx").on(t.at),
  ],
);

/**
 * Each read of an Avalanche P-Chain's current validators by the validators job: the totals only. The
 * per-validator list (about 1,500 entries, some 300 KB on mainnet, 96 reads a day) stays in KV as the
 * latest snapshot; kept 30 days (the job deletes older rows).
 */
export const validatorSnapshots = sqliteTable(
  "validator_snapshots",
  {
    /** The avalanche-p chain's slug. */
    network: text("network").notNull(),
    at: integer("at", { mode: "number" }).notNull(),
    count: integer("count").notNull(),
    /** Validators the answering node said it is connected to. */
    connected: integer("connected").notNull(),
    /** nAVAX as decimal strings: the sums outgrow 2^53. */
    totalStake: text("total_stake").notNull(),
    totalDelegated: text("total_delegated").notNull(),
    /** Entries the node listed that did not read, left out of the totals. */
    dropped: integer("dropped").notNull().default(0),
    /** The upstream that answered (its opaque id). */
    upstreamId: text("upstream_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.network, t.at] }), index("validator_snapshots_at_idx").on(t.at)],
);
