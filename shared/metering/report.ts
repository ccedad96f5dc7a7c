/**
 * @module
 * Usage reports from the isolate to the tenant's object. Admitted calls are added up in memory per
 * day, key, chain and family, and calls answered with an error per day, key and JSON-RPC code
 * (shared/metering/keyErrors.ts); both are sent about once a second per tenant, by a loop that runs
 * in the background of the request that found none running. Each report carries this isolate's id
 * and a sequence number, and a report that fails is sent again unchanged, so the object applies
 * every report, its usage and its error counts, exactly once.
 */

import type { Env } from "../config/env";
import { addError, type ErrorCount } from "./keyErrors";
import type { ReportParameters } from "./meterProtocol";
import { addUsage, type UsageRow } from "./usage";

/** Usage waits this long in the isolate, to be sent with what follows it. */
export const REPORT_DELAY_MS = 1_000;
/** One request's background loop stops after this long (the next request starts another). */
const LOOP_MS = 20_000;

interface Unsent {
  seq: number;
  rows: UsageRow[];
  errors: ErrorCount[];
}

interface Reporter {
  pending: Map<string, UsageRow>;
  errors: Map<string, ErrorCount>;
  /** A report being sent, or that failed to send: sent again as it is before anything newer. */
  unsent: Unsent | undefined;
  running: boolean;
}

/** Tenants with usage not yet reported. Bound: tenants active in the last LOOP_MS; an entry goes once all of it is reported. */
const reporters = new Map<string, Reporter>();
/** Made on first use: workerd allows no randomness at global scope. */
let isolateId: string | undefined;
/** Numbers this isolate's reports, across tenants, so they only ever grow for every object. */
let seq = 0;

/** Adds a request's usage rows (and its error counts) to what the tenant's next report sends. */
export function recordUsage(
  env: Env,
  tenantId: string,
  rows: readonly UsageRow[],
  waitUntil: (p: Promise<unknown>) => void,
  errors: readonly ErrorCount[] = [],
) {
  let reporter = reporters.get(tenantId);
  if (!reporter) {
    reporter = { pending: new Map(), errors: new Map(), unsent: undefined, running: false };
    reporters.set(tenantId, reporter);
  }
  for (const row of rows) addUsage(reporter.pending, row);
  for (const e of errors) addError(reporter.errors, e);
  if (!reporter.running) {
    reporter.running = true;
    waitUntil(sendLoop(env, tenantId, reporter));
  }
}

/** Adds the error counts of a request that has no usage (refused at admission). */
export function recordErrors(
  env: Env,
  tenantId: string,
  errors: readonly ErrorCount[],
  waitUntil: (p: Promise<unknown>) => void,
) {
  if (errors.length > 0) recordUsage(env, tenantId, [], waitUntil, errors);
}

/**
 * Sends what this isolate holds for the tenant now, without waiting for the loop: the report in
 * hand, then what is pending. Other isolates' reports still arrive on their own schedule. Never
 * throws: a failed send stays in hand for the loop.
 */
export async function sendReportsNow(env: Env, tenantId: string): Promise<void> {
  const reporter = reporters.get(tenantId);
  if (!reporter) return;
  for (let i = 0; i < 2 && (await sendOne(env, tenantId, reporter)) === "sent"; i++);
  if (isEmpty(reporter) && !reporter.running && reporters.get(tenantId) === reporter)
    reporters.delete(tenantId);
}

async function sendLoop(env: Env, tenantId: string, reporter: Reporter) {
  const started = Date.now();
  try {
    while (Date.now() - started < LOOP_MS) {
      await wait(REPORT_DELAY_MS);
      // "nothing" was decided before any await: a call recorded since then keeps the reporter.
      if ((await sendOne(env, tenantId, reporter)) === "nothing" && isEmpty(reporter)) {
        if (reporters.get(tenantId) === reporter) reporters.delete(tenantId);
        return;
      }
    }
  } finally {
    reporter.running = false;
  }
}

/**
 * Sends the report in hand, or makes one of what is pending and sends it. Two senders at once (the
 * loop and sendReportsNow) may send the same report twice, which the object applies once; a newer
 * report is made only once the one in hand was applied.
 */
async function sendOne(
  env: Env,
  tenantId: string,
  reporter: Reporter,
): Promise<"sent" | "failed" | "nothing"> {
  isolateId ??= crypto.randomUUID();
  if (!reporter.unsent) {
    if (reporter.pending.size === 0 && reporter.errors.size === 0) return "nothing";
    seq += 1;
    reporter.unsent = { seq, rows: [...reporter.pending.values()], errors: [...reporter.errors.values()] };
    reporter.pending = new Map();
    reporter.errors = new Map();
  }
  const unsent = reporter.unsent;
  const report: ReportParameters = { tenantId, reporter: isolateId, seq: unsent.seq, rows: unsent.rows };
  if (unsent.errors.length > 0) report.errors = unsent.errors;
  try {
    await env.METER.getByName(tenantId).report(report);
    if (reporter.unsent === unsent) reporter.unsent = undefined;
    return "sent";
  } catch (err) {
    console.warn(
      JSON.stringify({ event: "usage_report_failed", tenantId, error: String(err).slice(0, 200) }),
    );
    return "failed";
  }
}

const isEmpty = (r: Reporter) => !r.unsent && r.pending.size === 0 && r.errors.size === 0;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
