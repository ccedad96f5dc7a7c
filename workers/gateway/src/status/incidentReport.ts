/**
 * @module
 * Reads what a chain's incidents are made of (shared/metrics/incidents.ts) from D1: the probe job's
 * failed readings and the probe times at which every upstream failed, over the last 7 days, and the
 * audit log's disabling and enabling of the chain's upstreams.
 */
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { auditLog, upstreamProbes } from "../../../../db/schema";
import type { Env } from "../../../../shared/config/env";
import { type Incident, incidentsOf } from "../../../../shared/metrics/incidents";

const SPAN_MS = 7 * 86_400_000;
const PROBE_EVERY_MS = 60_000;

type Flagged = { enabled?: boolean; disabledReason?: string | null } | null;

export async function incidentReport(
  env: Env,
  chain: string,
  upstreams: readonly { id: string; name: string; public: boolean }[],
  now: number,
): Promise<Incident[]> {
  const db = dbOf(env.DB);
  const since = now - SPAN_MS;
  const inChain = and(eq(upstreamProbes.chain, chain), gt(upstreamProbes.at, since));
  const [failed, chainDown, latest, changes] = await Promise.all([
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
    upstreams.length === 0
      ? []
      : db
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
          ),
  ]);
  const flag = (row: { before: unknown; after: unknown }) => [
    (row.before as Flagged)?.enabled,
    (row.after as Flagged)?.enabled,
  ];
  const disabled = changes
    .filter((r) => r.action === "upstream.disable" || (flag(r)[0] === true && flag(r)[1] === false))
    .map((r) => ({
      at: r.at,
      upstreamId: r.target,
      detail:
        r.action === "upstream.disable"
          ? "disabled by the probe job: it answered another chain's id"
          : "disabled by an operator",
    }));
  const enabled = changes
    .filter((r) => flag(r)[0] === false && flag(r)[1] === true)
    .map((r) => ({ at: r.at, upstreamId: r.target }));
  return incidentsOf({
    failed,
    chainDownAt: chainDown.map((t) => t.at),
    disabled,
    enabled,
    names: new Map(upstreams.filter((u) => u.public).map((u) => [u.id, u.name])),
    lastProbeAt: latest?.last ?? undefined,
    probeEveryMs: PROBE_EVERY_MS,
  });
}
