/**
 * @module
 * A chain's request metrics: one Durable Object per chain, called over native RPC. Isolates send it
 * cells (shared/metrics/cells.ts) every few seconds; it adds them into minute rows in its SQLite,
 * and into one whole row per minute (every dimension "*") that the status page reads cheaply;
 * keeps minutes 7 days and rolls older ones into hours, kept 400 days. It also keeps the circuit
 * openings the batches carry, 7 days, for the status page's incidents. A batch is added once, by its
 * reporter and number, so a retried one does not count twice.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../../../shared/config/env";
import { addCounts, type Cell, HOUR_MS, minuteOf, rollToHours } from "../../../../shared/metrics/cells";
import type { CircuitOpen } from "../../../../shared/metrics/circuitOpens";
import { mergeInto } from "../../../../shared/metrics/histogram";
import type {
  ChainMetricsApi,
  IngestParameters,
  SeriesQuery,
  SeriesReturnType,
} from "../../../../shared/metrics/metricsProtocol";
import { seriesOf } from "../../../../shared/metrics/series";

export const MINUTES_KEPT_MS = 7 * 86_400_000;
const HOURS_KEPT_MS = 400 * 86_400_000;
/** Batch numbers are remembered this long: an isolate retries within minutes. */
const APPLIED_KEPT_MS = 3_600_000;
const COMPACT_EVERY_MS = HOUR_MS;
/** Most circuit openings one read returns (the newest), and one batch may add. */
const MAX_OPENS_READ = 1_000;
const MAX_OPENS_PER_BATCH = 100;

const DIMS =
  "upstream TEXT NOT NULL, family TEXT NOT NULL, status TEXT NOT NULL, cache TEXT NOT NULL, tenant TEXT NOT NULL";
const COUNTS =
  "requests INTEGER NOT NULL, errors INTEGER NOT NULL, cu INTEGER NOT NULL, attempts INTEGER NOT NULL, latency TEXT NOT NULL";
const SCHEMA = `
CREATE TABLE IF NOT EXISTS minutes (at INTEGER NOT NULL, ${DIMS}, ${COUNTS}, PRIMARY KEY (at, upstream, family, status, cache, tenant));
CREATE TABLE IF NOT EXISTS hours (at INTEGER NOT NULL, ${DIMS}, ${COUNTS}, PRIMARY KEY (at, upstream, family, status, cache, tenant));
CREATE TABLE IF NOT EXISTS lost (at INTEGER PRIMARY KEY, requests INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS applied (reporter TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (reporter, seq));
CREATE TABLE IF NOT EXISTS circuit_opens (upstream TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS circuit_opens_at ON circuit_opens (at);
`;

type Row = Omit<Cell, "latency"> & { latency: string };

export class ChainMetrics extends DurableObject<Env> implements ChainMetricsApi {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  ingest(p: IngestParameters): void {
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      const seen = this.sql
        .exec("SELECT 1 FROM applied WHERE reporter = ? AND seq = ?", p.reporter, p.seq)
        .toArray();
      if (seen.length > 0) return;
      this.sql.exec("INSERT INTO applied (reporter, seq, at) VALUES (?, ?, ?)", p.reporter, p.seq, now);
      for (const cell of p.cells) this.add("minutes", cell);
      for (const whole of wholesOf(p.cells)) this.add("minutes", whole);
      for (const [minute, requests] of Object.entries(p.lost ?? {})) {
        this.sql.exec(
          "INSERT INTO lost (at, requests) VALUES (?, ?) ON CONFLICT (at) DO UPDATE SET requests = requests + excluded.requests",
          minuteOf(Number(minute)),
          requests,
        );
      }
      for (const open of (p.circuitOpens ?? []).slice(0, MAX_OPENS_PER_BATCH)) {
        if (typeof open.upstream !== "string" || !Number.isSafeInteger(open.at)) continue;
        this.sql.exec("INSERT INTO circuit_opens (upstream, at) VALUES (?, ?)", open.upstream, open.at);
      }
    });
    this.ctx.waitUntil(this.scheduleCompaction(now));
  }

  series(q: SeriesQuery): SeriesReturnType {
    // The chain's whole rows, one a minute (or hour), or the split rows, of one tenant or of all.
    const scope = q.whole
      ? " AND tenant = '*'"
      : q.tenant === undefined
        ? " AND tenant <> '*'"
        : " AND tenant = ?";
    const args = q.whole || q.tenant === undefined ? [] : [q.tenant];
    const read = (table: string) =>
      this.sql
        .exec<Row>(`SELECT * FROM ${table} WHERE at >= ? AND at < ?${scope}`, q.from, q.to, ...args)
        .toArray();
    const rows = [...read("hours"), ...read("minutes")];
    const cells = rows.map((row) => ({ ...row, latency: JSON.parse(row.latency) }) as Cell);
    const lost = this.sql
      .exec<{ n: number | null }>(
        "SELECT sum(requests) AS n FROM lost WHERE at >= ? AND at < ?",
        q.from,
        q.to,
      )
      .one().n;
    return seriesOf(cells, q, lost ?? 0);
  }

  circuitOpens(since: number): CircuitOpen[] {
    return this.sql
      .exec<{ upstream: string; at: number }>(
        "SELECT upstream, at FROM circuit_opens WHERE at >= ? ORDER BY at DESC LIMIT ?",
        since,
        MAX_OPENS_READ,
      )
      .toArray()
      .map(({ upstream, at }) => ({ upstream, at }));
  }

  /** Rolls minutes older than 7 days into hours, and drops what is past keeping. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const cutoff = now - MINUTES_KEPT_MS - (now % HOUR_MS);
    this.ctx.storage.transactionSync(() => {
      const old = this.sql.exec<Row>("SELECT * FROM minutes WHERE at < ?", cutoff).toArray();
      for (const cell of rollToHours(
        old.map((row) => ({ ...row, latency: JSON.parse(row.latency) }) as Cell),
      )) {
        this.add("hours", cell);
      }
      this.sql.exec("DELETE FROM minutes WHERE at < ?", cutoff);
      this.sql.exec("DELETE FROM circuit_opens WHERE at < ?", now - MINUTES_KEPT_MS);
      this.sql.exec("DELETE FROM hours WHERE at < ?", now - HOURS_KEPT_MS);
      this.sql.exec("DELETE FROM lost WHERE at < ?", now - HOURS_KEPT_MS);
      this.sql.exec("DELETE FROM applied WHERE at < ?", now - APPLIED_KEPT_MS);
    });
    await this.ctx.storage.setAlarm(now + COMPACT_EVERY_MS);
  }

  private async scheduleCompaction(now: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + COMPACT_EVERY_MS);
  }

  /** Adds a cell's counts into its row of `table`, merging latency histograms. */
  private add(table: "minutes" | "hours", cell: Cell): void {
    const key = [cell.at, cell.upstream, cell.family, cell.status, cell.cache, cell.tenant];
    const found = this.sql
      .exec<{ latency: string }>(
        `SELECT latency FROM ${table} WHERE at = ? AND upstream = ? AND family = ? AND status = ? AND cache = ? AND tenant = ?`,
        ...key,
      )
      .toArray()[0];
    const latency = found ? mergeInto(JSON.parse(found.latency), cell.latency) : cell.latency;
    this.sql.exec(
      `INSERT INTO ${table} (at, upstream, family, status, cache, tenant, requests, errors, cu, attempts, latency)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (at, upstream, family, status, cache, tenant) DO UPDATE SET
         requests = requests + excluded.requests, errors = errors + excluded.errors, cu = cu + excluded.cu,
         attempts = attempts + excluded.attempts, latency = excluded.latency`,
      ...key,
      cell.requests,
      cell.errors,
      cell.cu,
      cell.attempts,
      JSON.stringify(latency),
    );
  }
}

/** Every dimension "*": the row that holds a minute's calls of the whole chain. */
const WHOLE = { upstream: "*", family: "*", status: "*", cache: "*", tenant: "*" } as const;

/** The batch's cells added up per minute into the chain's whole rows, which pages read cheaply. */
function wholesOf(cells: readonly Cell[]): Cell[] {
  const byMinute = new Map<number, Cell>();
  for (const cell of cells) {
    const whole = byMinute.get(cell.at);
    if (whole) addCounts(whole, cell);
    // A row, not a call: its status "*" is stored, never classed.
    else byMinute.set(cell.at, { ...cell, ...WHOLE, latency: { ...cell.latency } } as unknown as Cell);
  }
  return [...byMinute.values()];
}
