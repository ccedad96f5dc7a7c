/**
 * @module
 * The scheduled jobs (workers/cron) by name, with the cron expression that runs each: one of the
 * triggers in wrangler.toml. The jobs take their expression from here; the admin API lists them.
 */
export const JOB_SCHEDULE = {
  probes: "* * * * *",
  prices: "*/5 * * * *",
  validators: "*/15 * * * *",
  sanctions: "0 * * * *",
} as const;

export type JobName = keyof typeof JOB_SCHEDULE;
