/**
 * @module
 * Request metrics in the isolate: each answered call is added to this isolate's cells (and written
 * to Analytics Engine when bound); within FLUSH_MS, and at most that often, off the request's path
 * (`waitUntil`), the cells go to each chain's metrics object. A batch that fails is kept and sent again with its own
 * number (the object adds it once); past MAX_RETRY batches a chain's oldest is dropped and its calls
 * are counted as lost, which the next batch reports. Circuit openings (./circuitOpens.ts) travel in
 * the same batches, so they too are added once. Nothing is counted twice or silently.
 */
import type { Env } from "../config/env";
import { within } from "../isolate/within";
import { addCall, type CallSeen, type Cell, minuteOf } from "./cells";
import { chainsWithOpens, reportDropped, takeCircuitOpens } from "./circuitOpens";
import { dataPointOf } from "./dataPoint";
import type { IngestParameters } from "./metricsProtocol";

export const FLUSH_MS = 5_000;
/** Longest one batch's delivery may take before it counts as failed: a flush always ends. */
const INGEST_TIMEOUT_MS = 5_000;
/** Analytics Engine takes at most 250 data points per invocation: a request writes at most this many. */
const MAX_DATA_POINTS = 200;
const TIMED_OUT = Symbol("timed out");
/** Batches kept per chain for a retry: a minute of flushes. */
const MAX_RETRY = 12;

/**
 * Cells not sent yet, per chain. Bound: one cell per minute and combination of upstream, family,
 * status, cache and tenant seen within FLUSH_MS; lifetime: until the next flush.
 */
const pending = new Map<string, Map<string, Cell>>();
/** Batches that failed, per chain, oldest first. Bound: MAX_RETRY per chain; lifetime: until sent or dropped. */
const retries = new Map<string, IngestParameters[]>();
/** Calls of dropped batches, per chain and minute, to report with the next batch. */
const lost = new Map<string, Record<string, number>>();
let reporter: string | undefined;
let seq = 0;
let lastFlush = 0;
/** When the flush in flight was scheduled; 0 when none is. One older than STUCK_MS is taken as lost. */
let flushingSince = 0;
/** A flush outlives no request's waitUntil (30 s): one still marked past this was cut off with it. */
const STUCK_MS = 60_000;

/**
 * Adds a request's answered calls on `chain`, and makes sure a flush follows within FLUSH_MS: at once
 * when one is due, else one waiting in this request's `waitUntil`, so cells never wait for another
 * call. Never throws: metrics must not fail a request.
 */
export function recordCalls(
  env: Env,
  chain: string,
  calls: readonly CallSeen[],
  waitUntil: (p: Promise<unknown>) => void,
): void {
  try {
    let cells = pending.get(chain);
    if (!cells) {
      cells = new Map();
      pending.set(chain, cells);
    }
    for (const call of calls) addCall(cells, call);
    writeDataPoints(env, chain, calls);
    const now = Date.now();
    if (flushingSince === 0 || now - flushingSince > STUCK_MS) {
      flushingSince = now;
      const wait = Math.max(0, lastFlush + FLUSH_MS - now);
      waitUntil(
        new Promise((resolve) => setTimeout(resolve, wait))
          .then(() => {
            lastFlush = Date.now();
            return flushMetrics(env);
          })
          .finally(() => {
            flushingSince = 0;
          }),
      );
    }
  } catch (err) {
    console.warn(JSON.stringify({ event: "metrics_record_failed", chain, error: String(err).slice(0, 200) }));
  }
}

function writeDataPoints(env: Env, chain: string, calls: readonly CallSeen[]): void {
  if (!env.ANALYTICS) return;
  const n = Math.min(calls.length, MAX_DATA_POINTS);
  for (let i = 0; i < n; i++) env.ANALYTICS.writeDataPoint(dataPointOf(chain, calls[i] as CallSeen));
}

/** Sends every chain's cells and retries; what fails is kept for the next flush. */
export async function flushMetrics(env: Env): Promise<void> {
  reporter ??= crypto.randomUUID();
  const chains = new Set([...pending.keys(), ...retries.keys(), ...chainsWithOpens()]);
  await Promise.all([...chains].map((chain) => flushChain(env, chain, reporter as string)));
}

async function flushChain(env: Env, chain: string, from: string): Promise<void> {
  // This flush owns what it takes; another running alongside takes only what comes after.
  const queue = retries.get(chain) ?? [];
  retries.delete(chain);
  const cells = pending.get(chain);
  pending.delete(chain);
  const dropped = lost.get(chain);
  lost.delete(chain);
  const opens = takeCircuitOpens(chain);
  // A batch of new cells, or of losses or openings alone: those are sent even when no call came since.
  if ((cells && cells.size > 0) || dropped || opens) {
    queue.push({
      reporter: from,
      seq: ++seq,
      cells: [...(cells?.values() ?? [])],
      ...(dropped && { lost: dropped }),
      ...(opens && { circuitOpens: opens }),
    });
  }
  const failed: IngestParameters[] = [];
  for (const batch of queue) {
    try {
      const answer = await within(env.METRICS.getByName(chain).ingest(batch), INGEST_TIMEOUT_MS, TIMED_OUT);
      if (answer === TIMED_OUT) throw new Error(`no answer within ${INGEST_TIMEOUT_MS} ms`);
    } catch (err) {
      if (failed.length === 0) {
        console.warn(
          JSON.stringify({ event: "metrics_flush_failed", chain, error: String(err).slice(0, 200) }),
        );
      }
      failed.push(batch);
    }
  }
  const kept = [...failed, ...(retries.get(chain) ?? [])];
  while (kept.length > MAX_RETRY) countLost(chain, kept.shift() as IngestParameters);
  if (kept.length > 0) retries.set(chain, kept);
  else retries.delete(chain);
}

/** A dropped batch's calls (and the losses it carried), to report with the next. */
function countLost(chain: string, batch: IngestParameters): void {
  const counts = lost.get(chain) ?? {};
  for (const cell of batch.cells)
    counts[minuteOf(cell.at)] = (counts[minuteOf(cell.at)] ?? 0) + cell.requests;
  for (const [minute, n] of Object.entries(batch.lost ?? {})) counts[minute] = (counts[minute] ?? 0) + n;
  lost.set(chain, counts);
  if (batch.circuitOpens) reportDropped(chain, batch.circuitOpens.length);
}
