/**
 * @module
 * Reads what a chain's incidents are made of (shared/metrics/incidents.ts) from D1: the probe job's
 * failed readings and the probe times at which every upstream failed, over the last 7 days, and the
 * audit log's disabling and enabling of the chain's upstreams; and from the chain's metrics object,
 * the circuit openings the isolates reported.
 */
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { auditLog, upstreamProbes } from "../../../../db/schema";
import type { Env } from "../../../../shared/config/env";
import type { CircuitOpen } from "../../../../shared/metrics/circuitOpens";
import { type Incident, type IncidentFacts, incidentsOf } from "../../../../shared/metrics/incidents";
import { DEFAULT_CIRCUIT } from "../../../../shared/routing/circuit";

const SPAN_MS = 7 * 86_400_000;
const PROBE_EVERY_MS = 60_000;

type Upstreams = readonly { id: string; name: string; public: boolean }[];
type Flagged = { enabled?: boolean } | null;

export async function incidentReport(
  env: Env,
  chain: string,
  upstreams: Upstreams,
  now: number,
): Promise<Incident[]> {
  const since = now - SPAN_MS;
  const [probes, changes, circuitOpens] = await Promise.all([
    readProbes(env, chain, since),
    readChanges(env, upstreams, since),
    readCircuitOpens(env, chain, since),
  ]);
  return incidentsOf({
    ...probes,
    ...changes,
    circuitOpens,
    circuitCoolDownMs: DEFAULT_CIRCUIT.coolDownMs,
    now,
    names: new Map(upstreams.filter((u) => u.public).map((u) => [u.id, u.name])),
    probeEveryMs: PROBE_EVERY_MS,
  });
}

/**
 * The circuit openings since `since`; none when the metrics object cannot answer: the page then
 * shows the chain's other incidents, and the failure is logged.
 */
async function readCircuitOpens(env: Env, chain: string, since: number): Promise<CircuitOpen[]> {
  try {
    return await env.METRICS.getByName(chain).circuitOpens(since);
  } catch (err) {
    console.warn(
      JSON.stringify({ event: "status_circuit_opens_failed", chain, error: String(err).slice(0, 200) }),
    );
    return [];
  }
}

/** Failed probes, the times every upstream failed, and the last probe time, since `since`. */
async function readProbes(
  env: Env,
  chain: string,
  since: number,
): Promise<Pick<IncidentFacts, "failed" | "chainDownAt" | "lastProbeAt">> {
  const db = dbOf(env.DB);
  const inChain = and(eq(upstreamProbes.chain, chain), gt(upstreamProbes.at, since));
  const [failed, chainDown, latest] = await Promise.all([
    db
      .select({ at: upstreamProbes.at, upstreamId: upstreamProbes.upstreamId })
      .from(upstreamProbes)
      .where(and(inChain, eq(upstreamProbes.ok, false))),
    db
      .select({ at: upstreamProbes.at })
      .from(upstreamProbes)
      .where(inChain)
      .groupBy(upstreamProbes.at)
      .having(sql`sum(${upstreamProbes.ok}) = 0`),
    db
      .select({ last: sql<number | null>`max(${upstreamProbes.at})` })
      .from(upstreamProbes)
      .where(inChain)
      .get(),
  ]);
  return { failed, chainDownAt: chainDown.map((t) => t.at), lastProbeAt: latest?.last ?? undefined };
}

/** The upstreams' disabling (by an operator or the probe job) and enabling, from the audit log. */
async function readChanges(
  env: Env,
  upstreams: Upstreams,
  since: number,
): Promise<Pick<IncidentFacts, "disabled" | "enabled">> {
  if (upstreams.length === 0) return { disabled: [], enabled: [] };
  const rows = await dbOf(env.DB)
    .select({
      at: auditLog.at,
      target: auditLog.target,
      action: auditLog.action,
      before: auditLog.before,
      after: auditLog.after,
    })
    .from(auditLog)
    .where(
      and(
        gt(auditLog.at, since),
        inArray(
          auditLog.target,
          upstreams.map((u) => u.id),
        ),
        inArray(auditLog.action, ["upstream.disable", "upstream.update"]),
      ),
    );
  // The chain's own upstreams, matched here: an IN list of ids could pass D1's 100 parameters.
  const ids = new Set(upstreams.map((u) => u.id));
  const changes = rows.filter((r) => ids.has(r.target));
  const flags = (r: (typeof rows)[number]) => [(r.before as Flagged)?.enabled, (r.after as Flagged)?.enabled];
  const byJob = (r: (typeof rows)[number]) => r.action === "upstream.disable";
  return {
    disabled: changes
      .filter((r) => byJob(r) || (flags(r)[0] === true && flags(r)[1] === false))
      .map((r) => ({
        at: r.at,
        upstreamId: r.target,
        detail: byJob(r)
          ? "disabled by the probe job: it answered another chain's id"
          : "disabled by an operator",
      })),
    enabled: changes
      .filter((r) => flags(r)[0] === false && flags(r)[1] === true)
      .map((r) => ({ at: r.at, upstreamId: r.target })),
  };
}
