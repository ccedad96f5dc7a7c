/**
 * @module
 * A chain's incidents of the last 7 days for the status page, from the probe job's history (one
 * reading per upstream per minute) and the audit log: an upstream that failed two or more probes in a
 * row, the whole chain when every upstream failed the same probe, and an upstream disabled (by an
 * operator, or by the probe job for answering another chain's id), and an upstream whose circuit
 * breaker opened (in any isolate: openings close together are one incident). A run of failed probes
 * ends at the first gap: only failed readings are read, and a gap may be a success. Pure.
 */

export type IncidentKind = "chain_down" | "upstream_down" | "upstream_disabled" | "circuit_open";

/** Openings of one upstream's circuit at most this far apart are one incident. */
export const CIRCUIT_MERGE_MS = 5 * 60_000;

export interface Incident {
  kind: IncidentKind;
  /** The upstream's public name, or "an upstream"; absent for the chain. */
  upstream?: string;
  from: number;
  /** When it ended; null while it lasts. */
  to: number | null;
  detail: string;
}

export interface IncidentFacts {
  /** Failed probes, by time. */
  failed: readonly { at: number; upstreamId: string }[];
  /** Probe times at which every upstream probed failed. */
  chainDownAt: readonly number[];
  disabled: readonly { at: number; upstreamId: string; detail: string }[];
  /** Upstreams enabled again: each ends the disabling before it. */
  enabled: readonly { at: number; upstreamId: string }[];
  /** Circuit openings reported by the isolates (any order). */
  circuitOpens: readonly { upstream: string; at: number }[];
  /** How long an opened circuit stops calls. */
  circuitCoolDownMs: number;
  /** Now, ms: an opening whose cool-down is not over yet still lasts. */
  now: number;
  /** Upstream id -> the name the page may show. */
  names: ReadonlyMap<string, string>;
  /** The last probe time (runs reaching it still last). */
  lastProbeAt: number | undefined;
  probeEveryMs: number;
}

/**
 * Runs of consecutive probe times (at most 1.5 probes apart), as [first, last]: a gap may hide a
 * success, so it ends the run.
 */
function runsOf(times: readonly number[], everyMs: number): [number, number][] {
  const runs: [number, number][] = [];
  for (const at of [...times].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && at - last[1] <= everyMs * 1.5) last[1] = at;
    else runs.push([at, at]);
  }
  return runs;
}

/** Openings of each upstream, merged while at most CIRCUIT_MERGE_MS apart. */
function circuitIncidentsOf(f: IncidentFacts): Incident[] {
  const byUpstream = new Map<string, number[]>();
  for (const { upstream, at } of f.circuitOpens)
    byUpstream.set(upstream, [...(byUpstream.get(upstream) ?? []), at]);
  const incidents: Incident[] = [];
  for (const [id, times] of byUpstream) {
    const runs: { from: number; last: number; n: number }[] = [];
    for (const at of times.sort((a, b) => a - b)) {
      const run = runs[runs.length - 1];
      if (run && at - run.last <= CIRCUIT_MERGE_MS) {
        run.last = at;
        run.n++;
      } else runs.push({ from: at, last: at, n: 1 });
    }
    const seconds = Math.round(f.circuitCoolDownMs / 1000);
    for (const { from, last, n } of runs) {
      const end = last + f.circuitCoolDownMs;
      incidents.push({
        kind: "circuit_open",
        upstream: f.names.get(id) ?? "an upstream",
        from,
        to: end > f.now ? null : end,
        detail:
          n === 1
            ? `the circuit breaker opened: calls to it were stopped for ${seconds} s`
            : `the circuit breaker opened ${n} times: calls to it were stopped for ${seconds} s each time`,
      });
    }
  }
  return incidents;
}

/** Newest first. */
export function incidentsOf(f: IncidentFacts): Incident[] {
  const ended = (last: number) =>
    f.lastProbeAt !== undefined && last >= f.lastProbeAt ? null : last + f.probeEveryMs;
  const incidents: Incident[] = runsOf(f.chainDownAt, f.probeEveryMs).map(([from, last]) => ({
    kind: "chain_down",
    from,
    to: ended(last),
    detail: "every upstream failed its probe",
  }));
  const byUpstream = new Map<string, number[]>();
  for (const { at, upstreamId } of f.failed)
    byUpstream.set(upstreamId, [...(byUpstream.get(upstreamId) ?? []), at]);
  for (const [id, times] of byUpstream) {
    for (const [from, last] of runsOf(times, f.probeEveryMs)) {
      if (last === from) continue;
      const probes = Math.round((last - from) / f.probeEveryMs) + 1;
      incidents.push({
        kind: "upstream_down",
        upstream: f.names.get(id) ?? "an upstream",
        from,
        to: ended(last),
        detail: `failed ${probes} probes in a row`,
      });
    }
  }
  for (const d of f.disabled) {
    const back = f.enabled
      .filter((e) => e.upstreamId === d.upstreamId && e.at > d.at)
      .sort((a, b) => a.at - b.at)[0];
    incidents.push({
      kind: "upstream_disabled",
      upstream: f.names.get(d.upstreamId) ?? "an upstream",
      from: d.at,
      to: back?.at ?? null,
      detail: d.detail,
    });
  }
  return [...incidents, ...circuitIncidentsOf(f)].sort((a, b) => b.from - a.from);
}
