/** /admin/v1/jobs: each scheduled job's latest run (workers/cron), and whether one is running. */
import { inArray, sql } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { jobRuns } from "../../../../db/schema";
import { JOB_SCHEDULE } from "../../../../shared/jobs/schedule";
import { adminRouter, op } from "./router";
import { JobList } from "./views/jobs";

const listJobs = op(
  {
    summary: "List the scheduled jobs",
    description:
      "Each job's cron expression and latest run; a run without `endedAt` is running or was cut off.",
    tag: "Jobs",
    access: "admin:read",
    responses: { 200: { description: "Every scheduled job", schema: JobList } },
  },
  async (c) => {
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
      jobs: Object.entries(JOB_SCHEDULE).map(([job, cron]) => ({
        job,
        cron,
        latest: byName.get(job) ?? null,
      })),
    });
  },
);

export const jobRoutes = adminRouter().get("/", listJobs);
