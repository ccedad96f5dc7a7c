/**
 * @module
 * Sanctions sources, the published snapshots, and a set held for approval.
 */
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

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
