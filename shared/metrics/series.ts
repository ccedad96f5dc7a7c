/**
 * @module
 * A span of cells read back as what pages show: points of a fixed step, totals, and the totals split
 * by each dimension, each with the calls, service errors, CU, attempts and latency percentiles. Pure.
 */
import { addCounts, type Cell, type CellCounts, type CellDims } from "./cells";
import { percentile } from "./histogram";
import type { Point, SeriesQuery, SeriesReturnType, Totals } from "./metricsProtocol";

const DIM_NAMES: (keyof CellDims)[] = ["upstream", "family", "status", "cache", "tenant"];

const empty = (): CellCounts => ({ requests: 0, errors: 0, cu: 0, attempts: 0, latency: {} });

/** Counts with their latency read as p50, p95 and p99. */
export function totalsOf({ latency, ...counts }: CellCounts): Totals {
  return {
    ...counts,
    p50: percentile(latency, 0.5),
    p95: percentile(latency, 0.95),
    p99: percentile(latency, 0.99),
  };
}

/**
 * The cells of [from, to) as points every `stepMs` (each point starts at from + k * stepMs, one per
 * step, calls or not), totals, and totals by dimension.
 */
export function seriesOf(cells: readonly Cell[], q: SeriesQuery, lost: number): SeriesReturnType {
  const steps = Math.max(1, Math.ceil((q.to - q.from) / q.stepMs));
  const points = Array.from({ length: steps }, empty);
  const totals = empty();
  const by = Object.fromEntries(DIM_NAMES.map((d) => [d, new Map<string, CellCounts>()])) as Record<
    keyof CellDims,
    Map<string, CellCounts>
  >;
  for (const cell of cells) {
    if (cell.at < q.from || cell.at >= q.to) continue;
    addCounts(points[Math.floor((cell.at - q.from) / q.stepMs)] as CellCounts, cell);
    addCounts(totals, cell);
    for (const d of DIM_NAMES) {
      const split = by[d];
      let counts = split.get(cell[d]);
      if (!counts) {
        counts = empty();
        split.set(cell[d], counts);
      }
      addCounts(counts, cell);
    }
  }
  return {
    points: points.map((counts, i): Point => ({ at: q.from + i * q.stepMs, ...totalsOf(counts) })),
    totals: totalsOf(totals),
    by: Object.fromEntries(
      DIM_NAMES.map((d) => [d, Object.fromEntries([...by[d]].map(([value, c]) => [value, totalsOf(c)]))]),
    ) as SeriesReturnType["by"],
    lost,
  };
}
