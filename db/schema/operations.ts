/**
 * @module
 * Usage totals per day, and the runs of the scheduled jobs.
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
