/**
 * @module
 * Runs one job and records it in `job_runs`: a row when it starts, completed when it ends with its
 * status, counts and (redacted) error. A run cut off before it ends stays `running` with no end.
 */
import { eq } from "drizzle-orm";
import { dbOf } from "../../../db/client";
import { jobRuns } from "../../../db/schema";
import type { Env } from "../../../shared/config/env";
import { redact } from "../../../shared/errors/redact";
import type { JobName } from "../../../shared/jobs/schedule";

export interface JobOutcome {
  counts: Record<string, number>;
  /** What failed while the rest succeeded (a source, an upstream): the run is `partial`. */
  problems?: string[];
}

export interface Job {
  name: JobName;
  /** The cron expression (as in wrangler.toml's triggers) that runs it. */
  cron: string;
  run(env: Env): Promise<JobOutcome>;
  /** Also run at the every-minute trigger while this holds: a new deployment's first data comes soon. */
  catchUp?(env: Env): Promise<boolean>;
}

export interface JobRun {
  job: string;
  status: "ok" | "partial" | "failed";
  counts: Record<string, number>;
  error: string | null;
}

export async function runJob(env: Env, job: Job): Promise<JobRun> {
  const db = dbOf(env.DB);
  const row = await db
    .insert(jobRuns)
    .values({ job: job.name, startedAt: Date.now(), status: "running" })
    .returning({ id: jobRuns.id })
    .get();
  let run: JobRun;
  try {
    const { counts, problems = [] } = await job.run(env);
    const error = problems.length > 0 ? redact(problems.join("; ")).slice(0, 2_000) : null;
    run = { job: job.name, status: problems.length > 0 ? "partial" : "ok", counts, error };
  } catch (err) {
    run = { job: job.name, status: "failed", counts: {}, error: redact(String(err)).slice(0, 2_000) };
  }
  await db
    .update(jobRuns)
    .set({ endedAt: Date.now(), status: run.status, counts: run.counts, error: run.error })
    .where(eq(jobRuns.id, row.id));
  console.log(JSON.stringify({ event: "job_run", ...run }));
  return run;
}
