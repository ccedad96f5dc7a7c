/**
 * @module
 * What the public status page shows (`GET /status.json`, and the page drawn from it): per enabled
 * chain, its state by the stated rule, its head and how long ago the probes saw it move, its
 * upstreams' states (by name only when the operator marked them public, never by URL), and its calls,
 * service error rate and latency over the last hour (by minute) and day (by 15 minutes), its
 * incidents of the last 7 days (./incidentReport.ts); and the
 * freshness of the scheduled jobs that feed prices, validators and sanctions. Built at most every
 * REPORT_TTL_MS per isolate: the page is public.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { chains, jobRuns, upstreams } from "../../../../db/schema";
import type { Env } from "../../../../shared/config/env";
import type { JOB_SCHEDULE } from "../../../../shared/jobs/schedule";
import { MINUTE_MS } from "../../../../shared/metrics/cells";
import { chainStateOf, STATE_RULE } from "../../../../shared/metrics/chainState";
import type { SeriesReturnType } from "../../../../shared/metrics/metricsProtocol";
import { readSnapshot, SNAPSHOT_MAX_AGE_MS } from "../../../../shared/stores/health";
import { incidentReport } from "./incidentReport";

const REPORT_TTL_MS = 10_000;
const HOUR = { span: 3_600_000, step: MINUTE_MS };
const DAY = { span: 86_400_000, step: 15 * MINUTE_MS };
/** Jobs the page reports on, and how old their last good run may be before it is called stale. */
const FRESH_WITHIN_MS: Partial<Record<keyof typeof JOB_SCHEDULE, number>> = {
  prices: 15 * MINUTE_MS,
  validators: 45 * MINUTE_MS,
  sanctions: 3 * 3_600_000,
};

export type StatusReport = Awaited<ReturnType<typeof buildReport>>;

/** The last report built. Bound: one; lifetime: REPORT_TTL_MS. */
let last: { at: number; report: Promise<StatusReport> } | undefined;

export function statusReport(env: Env): Promise<StatusReport> {
  const now = Date.now();
  if (!last || now - last.at >= REPORT_TTL_MS) {
    const entry = { at: now, report: buildReport(env, now) };
    last = entry;
    entry.report.catch(() => {
      if (last === entry) last = undefined;
    });
  }
  return last.report;
}

async function buildReport(env: Env, now: number) {
  const db = dbOf(env.DB);
  const enabled = await db
    .select({ slug: chains.slug, name: chains.name, chainId: chains.chainId })
    .from(chains)
    .where(and(eq(chains.enabled, true), eq(chains.kind, "evm")))
    .orderBy(chains.slug);
  const ups = await db
    .select({
      id: upstreams.id,
      chain: upstreams.chain,
      name: upstreams.name,
      public: upstreams.public,
      enabled: upstreams.enabled,
    })
    .from(upstreams)
    .orderBy(upstreams.createdAt);
  return {
    generatedAt: new Date(now).toISOString(),
    rule: STATE_RULE,
    chains: await Promise.all(
      enabled.map((chain) =>
        // One chain whose metrics or history cannot be read does not take the page down.
        chainReport(
          env,
          chain,
          ups.filter((u) => u.chain === chain.slug),
          now,
        ).catch((err) => unreadable(chain, err)),
      ),
    ),
    jobs: await jobsReport(env, now),
  };
}

/** A chain whose report could not be built: its state unknown, saying so. */
function unreadable(chain: { slug: string; name: string; chainId: number | null }, err: unknown) {
  console.warn(
    JSON.stringify({ event: "status_chain_failed", chain: chain.slug, error: String(err).slice(0, 200) }),
  );
  const empty = { requests: 0, errors: 0, errorRate: 0, p50: null, p99: null, lost: 0, points: [] };
  return {
    chain: chain.slug,
    name: chain.name,
    chainId: chain.chainId,
    state: "unknown" as const,
    reason: "its metrics or probe history could not be read just now",
    head: null,
    headAgeSeconds: null,
    checkedAt: null,
    upstreams: [],
    lastHour: empty,
    lastDay: empty,
    incidents: [],
  };
}

type UpstreamRow = { id: string; name: string; public: boolean; enabled: boolean };

async function chainReport(
  env: Env,
  chain: { slug: string; name: string; chainId: number | null },
  all: UpstreamRow[],
  now: number,
) {
  const ups = all.filter((u) => u.enabled);
  const metrics = env.METRICS.getByName(chain.slug);
  // Each window ends with the step that holds `now`, so its last point is the one filling up.
  const spanOf = ({ span, step }: typeof HOUR) => {
    const to = now - (now % step) + step;
    return { from: to - span, to, stepMs: step, whole: true };
  };
  const [snapshot, hour, day, incidents] = await Promise.all([
    readSnapshot(env.CONFIG_KV, chain.slug),
    metrics.series(spanOf(HOUR)),
    metrics.series(spanOf(DAY)),
    incidentReport(env, chain.slug, all, now),
  ]);
  const fresh = snapshot && now - snapshot.at <= SNAPSHOT_MAX_AGE_MS ? snapshot : undefined;
  const readings = new Map(fresh?.upstreams.map((r) => [r.id, r]));
  const recent = hour.points
    .slice(-5)
    .reduce((sum, p) => ({ requests: sum.requests + p.requests, errors: sum.errors + p.errors }), {
      requests: 0,
      errors: 0,
    });
  const { state, reason } = chainStateOf({
    probes: fresh
      ? ups.flatMap((u) => (readings.has(u.id) ? [readings.get(u.id)?.ok === true] : []))
      : undefined,
    recent,
  });
  const head = fresh?.head ?? null;
  return {
    chain: chain.slug,
    name: chain.name,
    chainId: chain.chainId,
    state,
    reason,
    head,
    headAgeSeconds: fresh?.headAt === undefined ? null : Math.round((now - fresh.headAt) / 1000),
    checkedAt: snapshot ? new Date(snapshot.at).toISOString() : null,
    upstreams: ups.map((u, i) => {
      const r = readings.get(u.id);
      return {
        name: u.public ? u.name : `upstream ${i + 1}`,
        state: r === undefined ? "unknown" : r.ok ? "up" : "down",
        latencyMs: r?.latencyMs ?? null,
        head: r?.head ?? null,
      };
    }),
    lastHour: window(hour),
    lastDay: window(day),
    incidents: incidents.map((i) => ({
      ...i,
      from: new Date(i.from).toISOString(),
      to: i.to === null ? null : new Date(i.to).toISOString(),
    })),
  };
}

/** A window's totals (error rate = service errors / calls) and points, without the per-tenant split. */
function window({ totals, points, lost }: SeriesReturnType) {
  const rate = (p: { requests: number; errors: number }) => (p.requests > 0 ? p.errors / p.requests : 0);
  const point = ({ at, requests, errors, p50, p99 }: SeriesReturnType["points"][number]) => ({
    at,
    requests,
    errors,
    errorRate: rate({ requests, errors }),
    p50,
    p99,
  });
  return {
    requests: totals.requests,
    errors: totals.errors,
    errorRate: rate(totals),
    p50: totals.p50,
    p99: totals.p99,
    lost,
    points: points.map(point),
  };
}

async function jobsReport(env: Env, now: number) {
  const names = Object.keys(FRESH_WITHIN_MS) as (keyof typeof FRESH_WITHIN_MS)[];
  const rows = await dbOf(env.DB)
    .select({ job: jobRuns.job, at: sql<number | null>`max(${jobRuns.endedAt})` })
    .from(jobRuns)
    // A partial run (some sources failed) still published what it read.
    .where(and(inArray(jobRuns.job, names), inArray(jobRuns.status, ["ok", "partial"])))
    .groupBy(jobRuns.job);
  const lastOk = new Map(rows.map((r) => [r.job, r.at]));
  return names.map((job) => {
    const at = lastOk.get(job) ?? null;
    const within = FRESH_WITHIN_MS[job] as number;
    return {
      job,
      lastSuccessAt: at === null ? null : new Date(at).toISOString(),
      fresh: at !== null && now - at <= within,
      freshWithinSeconds: within / 1000,
    };
  });
}
