/** /admin/v1/jobs: each scheduled job's latest run (workers/cron), and whether one is running. */
import { inArray, sql } from "drizzle-orm";
import { jobRuns } from "../../../../db/schema";
import { JOBS } from "../../../cron/src/index";
import { dbOf } from "../db";
import { adminApp } from "./app";

export const jobRoutes = adminApp().get("/", async (c) => {
  const db = dbOf(c.env.DB);
  const latest = db
    .select({ id: sql<number>`max(${jobRuns.id})` })
    .from(jobRuns)
    .groupBy(jobRuns.job);
  const rows = await db
    .select({
      job: jobRuns.job,
      startedAt: jobRuns.startedAt,
      endedAt: jobRuns.endedAt,
      status: jobRuns.status,
      counts: jobRuns.counts,
      error: jobRuns.error,
    })
    .from(jobRuns)
    .where(inArray(jobRuns.id, latest));
  const byName = new Map(rows.map((r) => [r.job, r]));
  return c.json({
    jobs: JOBS.map((job) => ({ job: job.name, cron: job.cron, latest: byName.get(job.name) ?? null })),
  });
});
