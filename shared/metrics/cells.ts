/**
 * @module
 * Request metrics as cells that add up: one cell per minute (or hour) and per chain, upstream,
 * method family, status class, cache status and tenant, holding the calls, their service errors, CU,
 * upstream attempts and a latency histogram. Isolates fill cells and send them; the chain's metrics
 * object adds them into its minute rows, and rolls minutes older than 7 days into hours. Pure.
 */
import { type Histogram, mergeInto, observe } from "./histogram";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/**
 * How a call was answered: `ok`; `rpc_error`, an error the node gave for the call itself (a revert,
 * a bad parameter); `refused` by the gateway (the key, a plan's method list, a limit, the input);
 * `5xx`, the service failed it (no upstream answered, a timeout). Only `5xx` counts as an error of
 * the service.
 */
export type StatusClass = "ok" | "rpc_error" | "refused" | "5xx";

/** What one cell is about. `upstream` is the opaque id of the one that answered, or "" when none did. */
export interface CellDims {
  upstream: string;
  family: string;
  status: StatusClass;
  /** HIT, MISS or BYPASS, as the `x-cache` header says. */
  cache: string;
  tenant: string;
}

export interface CellCounts {
  requests: number;
  /** Calls of status class 5xx. */
  errors: number;
  cu: number;
  attempts: number;
  latency: Histogram;
}

export interface Cell extends CellDims, CellCounts {
  /** Start of the cell's minute (or hour), ms. */
  at: number;
}

/** One answered call, as the request path saw it. */
export interface CallSeen extends CellDims {
  at: number;
  latencyMs: number;
  cu: number;
  attempts: number;
}

/**
 * The class of an answer: whether it is a result, and the HTTP status of the gateway's own error
 * behind it (undefined: the node's error for the call).
 */
export function statusClassOf(ok: boolean, gatewayStatus: number | undefined): StatusClass {
  if (ok) return "ok";
  if (gatewayStatus === undefined) return "rpc_error";
  return gatewayStatus >= 500 ? "5xx" : "refused";
}

export const minuteOf = (at: number) => at - (at % MINUTE_MS);
export const hourOf = (at: number) => at - (at % HOUR_MS);

/** The key of a cell: its time and dimensions. */
export function cellKey(at: number, d: CellDims): string {
  return `${at}|${d.upstream}|${d.family}|${d.status}|${d.cache}|${d.tenant}`;
}

/** Adds a call to the cells of its minute (in place). */
export function addCall(cells: Map<string, Cell>, call: CallSeen): void {
  const at = minuteOf(call.at);
  const key = cellKey(at, call);
  let cell = cells.get(key);
  if (!cell) {
    const { upstream, family, status, cache, tenant } = call;
    cell = {
      at,
      upstream,
      family,
      status,
      cache,
      tenant,
      requests: 0,
      errors: 0,
      cu: 0,
      attempts: 0,
      latency: {},
    };
    cells.set(key, cell);
  }
  cell.requests += 1;
  if (call.status === "5xx") cell.errors += 1;
  cell.cu += call.cu;
  cell.attempts += call.attempts;
  observe(cell.latency, call.latencyMs);
}

/** `into` plus `from`'s counts (in place). */
export function addCounts(into: CellCounts, from: CellCounts): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.cu += from.cu;
  into.attempts += from.attempts;
  mergeInto(into.latency, from.latency);
}

/** Cells merged by key (in place into `into`), e.g. a retried batch folded into newer cells. */
export function mergeCells(into: Map<string, Cell>, from: Iterable<Cell>): void {
  for (const cell of from) {
    const key = cellKey(cell.at, cell);
    const found = into.get(key);
    if (found) addCounts(found, cell);
    else into.set(key, { ...cell, latency: { ...cell.latency } });
  }
}

/** Minute cells rolled into hour cells: the same dimensions, counts and histograms added. */
export function rollToHours(minutes: Iterable<Cell>): Cell[] {
  const hours = new Map<string, Cell>();
  mergeCells(
    hours,
    [...minutes].map((cell) => ({ ...cell, at: hourOf(cell.at) })),
  );
  return [...hours.values()];
}
