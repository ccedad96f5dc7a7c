/**
 * @module
 * Usage reports from the isolate to the tenant's object. Admitted calls are added up in memory per
 * day, key, chain and family, and sent about once a second per tenant, by a loop that runs in the
 * background of the request that found none running. Each report carries this isolate's id and a
 * sequence number, and a report that fails is sent again unchanged, so the object applies every
 * report exactly once.
 */

import type { Env } from "../config/env";
import { addUsage, type UsageRow } from "./usage";

/** Usage waits this long in the isolate, to be sent with what follows it. */
export const REPORT_DELAY_MS = 1_000;
/** One request's background loop stops after this long (the next request starts another). */
const LOOP_MS = 20_000;

interface Reporter {
  pending: Map<string, UsageRow>;
  /** A report being sent, or that failed to send: sent again as it is before anything newer. */
  unsent: { seq: number; rows: UsageRow[] } | undefined;
  running: boolean;
}

/** Tenants with usage not yet reported. Bound: tenants active in the last LOOP_MS; an entry goes once all of it is reported. */
const reporters = new Map<string, Reporter>();
/** Made on first use: workerd allows no randomness at global scope. */
let isolateId: string | undefined;
/** Numbers this isolate's reports, across tenants, so they only ever grow for every object. */
let seq = 0;

export function recordUsage(
  env: Env,
  tenantId: string,
  rows: readonly UsageRow[],
  waitUntil: (p: Promise<unknown>) => void,
) {
  let reporter = reporters.get(tenantId);
  if (!reporter) {
    reporter = { pending: new Map(), unsent: undefined, running: false };
    reporters.set(tenantId, reporter);
  }
  for (const row of rows) addUsage(reporter.pending, row);
  if (!reporter.running) {
    reporter.running = true;
    waitUntil(sendLoop(env, tenantId, reporter));
  }
}

async function sendLoop(env: Env, tenantId: string, reporter: Reporter) {
  isolateId ??= crypto.randomUUID();
  const started = Date.now();
  try {
    while (Date.now() - started < LOOP_MS) {
      await wait(REPORT_DELAY_MS);
      if (!reporter.unsent) {
        if (reporter.pending.size === 0) {
          reporters.delete(tenantId);
          return;
        }
        seq += 1;
        reporter.unsent = { seq, rows: [...reporter.pending.values()] };
        reporter.pending = new Map();
      }
      const report = { tenantId, reporter: isolateId, ...reporter.unsent };
      try {
        await env.METER.getByName(tenantId).report(report);
        reporter.unsent = undefined;
      } catch (err) {
        console.warn(
          JSON.stringify({ event: "usage_report_failed", tenantId, error: String(err).slice(0, 200) }),
        );
      }
    }
  } finally {
    reporter.running = false;
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
