/**
 * @module
 * The audit log.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
  (t) => [
    index("audit_log_chain_seq").on(t.chain, t.seq),
    // The status page's incidents read upstream changes of the last 7 days by action.
    index("audit_log_action_at").on(t.action, t.at),
  ],
);
