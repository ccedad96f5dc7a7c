/**
 * @module
 * The scheduled jobs: one of the three entry points of the one deployed script (its `scheduled`
 * handler, composed in workers/gateway/src/index.ts). Each cron trigger in wrangler.toml runs the
 * jobs registered for its expression (shared/jobs/schedule.ts), each recorded in job_runs.
 */
import type { Env } from "../../../shared/config/env";
import { prices } from "./jobs/prices";
import { probes } from "./jobs/probes";
import { sanctions } from "./jobs/sanctions";
import { validators } from "./jobs/validators";
import { type Job, type JobRun, runJob } from "./runs";

export const JOBS: readonly Job[] = [probes, prices, validators, sanctions];
const EVERY_MINUTE = "* * * * *";

export async function runScheduled(cron: string, env: Env): Promise<JobRun[]> {
  const due = JOBS.filter((job) => job.cron === cron);
  if (cron === EVERY_MINUTE) {
    for (const job of JOBS) if (job.cron !== cron && (await job.catchUp?.(env))) due.push(job);
  }
  return Promise.all(due.map((job) => runJob(env, job)));
}

export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const runs = await runScheduled(controller.cron, env);
  if (runs.length === 0) {
    console.warn(JSON.stringify({ event: "cron_unknown", cron: controller.cron }));
  }
}
