/** What the admin API answers about the scheduled jobs: each one's latest row of `job_runs`. */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { jobRuns } from "../../../../../db/schema";
import { JOB_SCHEDULE, type JobName } from "../../../../../shared/jobs/schedule";

const JobRun = createSelectSchema(jobRuns, {
  counts: z.record(z.string(), z.number()).nullable(),
}).omit({ id: true });

export const JobList = z.object({
  jobs: z.array(
    z.object({
      job: z.enum(Object.keys(JOB_SCHEDULE) as [JobName, ...JobName[]]),
      cron: z.string(),
      latest: JobRun.nullable().describe("Null before its first run"),
    }),
  ),
});
