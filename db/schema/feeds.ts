/**
 * @module
 * Price feeds and Avalanche validator snapshots.
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

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
