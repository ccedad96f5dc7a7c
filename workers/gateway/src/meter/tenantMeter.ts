/**
 * @module
 * The tenant's meter: one Durable Object per tenant, called over native RPC. It holds the tenant's
 * token bucket, the buckets of keys capped below it, the month's granted CU, and the usage that
 * isolates report, with their keys' recent errors by code, all in its SQLite storage, so an
 * eviction or restart loses nothing. An alarm rolls usage into D1 daily rows.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../../../shared/config/env";
import type { CodeCount } from "../../../../shared/metering/keyErrors";
import { grant, monthEnds } from "../../../../shared/metering/lease";
import { tenantLimits } from "../../../../shared/metering/limits";
import type {
  AcquireParameters,
  AcquireReturnType,
  HoldParameters,
  HoldRef,
  ReleaseParameters,
  RenewParameters,
  ReportParameters,
  TenantMeterApi,
} from "../../../../shared/metering/meterProtocol";
import { type BucketLimits, fullBucket } from "../../../../shared/metering/tokenBucket";
import { dayOf, type MethodFamily, type UsageRow } from "../../../../shared/metering/usage";
import { writeUsage } from "../../../../shared/metering/usageStore";
import { bindingBucket, capsOf, pruneCaps, saveCaps } from "./capBuckets";
import { addKeyErrors, KEY_ERRORS_SCHEMA, pruneKeyErrors, readKeyErrors } from "./keyErrorStore";

/** Usage reaches D1 this long after it is reported, at the latest (while D1 answers). */
export const FLUSH_INTERVAL_MS = 10_000;
const FLUSH_RETRY_MS = 30_000;
/** Flushed usage rows and reporters are kept this long, then dropped. */
const KEEP_MS = 2 * 86_400_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meter (
  id INTEGER PRIMARY KEY CHECK (id = 1), tenant_id TEXT NOT NULL,
  tokens REAL NOT NULL, at INTEGER NOT NULL, month_ends INTEGER NOT NULL, month_used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS key_buckets (key_id TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS usage (
  day TEXT NOT NULL, key_id TEXT NOT NULL, chain TEXT NOT NULL, family TEXT NOT NULL,
  requests INTEGER NOT NULL, cu INTEGER NOT NULL, errors INTEGER NOT NULL,
  version INTEGER NOT NULL, flushed INTEGER NOT NULL,
  PRIMARY KEY (day, key_id, chain, family));
CREATE TABLE IF NOT EXISTS reporters (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS holds (
  kind TEXT NOT NULL, id TEXT NOT NULL, owner TEXT, until INTEGER NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX IF NOT EXISTS holds_owner ON holds (owner);
DROP TABLE IF EXISTS sockets;
${KEY_ERRORS_SCHEMA}`;

type MeterRow = { tenant_id: string; tokens: number; at: number; month_ends: number; month_used: number };
type UsageRecord = Omit<UsageRow, "keyId"> & { key_id: string; version: number };

export class TenantMeter extends DurableObject<Env> implements TenantMeterApi {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** Grants a lease out of the tenant's bucket (and the key's, when capped) and month, or refuses. */
  acquire(p: AcquireParameters): AcquireReturnType {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => {
      const limits = tenantLimits(p.limits);
      const meter = this.meter(p.tenantId, limits, now);
      const caps = capsOf(this.sql, p.keyId, p.limits, now);
      const result = grant({
        bucket: { tokens: meter.tokens, at: meter.at },
        limits,
        caps: caps.map(({ cap }) => cap),
        monthUsed: meter.month_used,
        monthlyQuota: p.limits.monthlyCu,
        monthEnds: meter.month_ends,
        want: p.want,
        need: p.need,
        returned: p.returned,
        owed: p.owed ?? 0,
        now,
      });
      this.sql.exec(
        "UPDATE meter SET tokens = ?, at = ?, month_used = ?, month_ends = ?, tenant_id = ? WHERE id = 1",
        result.bucket.tokens,
        result.bucket.at,
        result.monthUsed,
        meter.month_ends,
        p.tenantId,
      );
      if (result.capBuckets) saveCaps(this.sql, caps, result.capBuckets);
      const bucket = bindingBucket({ limits, bucket: result.bucket }, caps, result.capBuckets);
      if ("retryAt" in result) return { granted: 0, bucket, retryAt: result.retryAt, by: result.by };
      return { granted: result.granted, bucket };
    });
  }

  /** Adds an isolate's usage report, once: a retried report with a number already seen is ignored. */
  async report(p: ReportParameters): Promise<void> {
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      const last = this.sql
        .exec<{ seq: number }>("SELECT seq FROM reporters WHERE id = ?", p.reporter)
        .toArray();
      if ((last[0]?.seq ?? 0) >= p.seq) return;
      this.sql.exec(
        "INSERT OR REPLACE INTO reporters (id, seq, at) VALUES (?, ?, ?)",
        p.reporter,
        p.seq,
        now,
      );
      this.meter(p.tenantId, undefined, now);
      for (const row of p.rows) {
        this.sql.exec(
          `INSERT INTO usage (day, key_id, chain, family, requests, cu, errors, version, flushed)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1, 0)
           ON CONFLICT (day, key_id, chain, family) DO UPDATE SET
             requests = requests + excluded.requests, cu = cu + excluded.cu,
             errors = errors + excluded.errors, version = version + 1`,
          row.day,
          row.keyId,
          row.chain,
          row.family,
          row.requests,
          row.cu,
          row.errors,
        );
      }
      addKeyErrors(this.sql, p.errors ?? []);
    });
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(now + FLUSH_INTERVAL_MS);
  }

  /** The key's errors on `sinceDay` (YYYY-MM-DD) and after, by code: most first; at most 50 codes. */
  keyErrors(keyId: string, sinceDay: string): CodeCount[] {
    return readKeyErrors(this.sql, keyId, sinceDay);
  }

  /** Writes usage not yet in D1 there, and prunes what is kept no longer. Returns how many rows it wrote. */
  async flush(): Promise<number> {
    pruneKeyErrors(this.sql, Date.now());
    const meter = this.sql
      .exec<{ tenant_id: string }>("SELECT tenant_id FROM meter WHERE id = 1")
      .toArray()[0];
    const records = this.sql
      .exec<UsageRecord>(
        "SELECT day, key_id, chain, family, requests, cu, errors, version FROM usage WHERE version > flushed",
      )
      .toArray();
    if (!meter || records.length === 0) return 0;
    const now = Date.now();
    await writeUsage(
      this.env.DB,
      meter.tenant_id,
      records.map((r) => ({
        day: r.day,
        keyId: r.key_id,
        chain: r.chain,
        family: r.family as MethodFamily,
        requests: r.requests,
        cu: r.cu,
        errors: r.errors,
      })),
      now,
    );
    this.ctx.storage.transactionSync(() => {
      for (const r of records) {
        this.sql.exec(
          "UPDATE usage SET flushed = max(flushed, ?) WHERE day = ? AND key_id = ? AND chain = ? AND family = ?",
          r.version,
          r.day,
          r.key_id,
          r.chain,
          r.family,
        );
      }
      this.sql.exec("DELETE FROM usage WHERE flushed = version AND day < ?", dayOf(now - KEEP_MS));
      this.sql.exec("DELETE FROM reporters WHERE at < ?", now - KEEP_MS);
      pruneCaps(this.sql, now);
    });
    return records.length;
  }

  override async alarm(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      console.warn(JSON.stringify({ event: "usage_flush_failed", error: String(err).slice(0, 200) }));
      await this.ctx.storage.setAlarm(Date.now() + FLUSH_RETRY_MS);
      return;
    }
    const dirty = this.sql.exec("SELECT 1 FROM usage WHERE version > flushed LIMIT 1").toArray();
    if (dirty.length > 0) await this.ctx.storage.setAlarm(Date.now() + FLUSH_INTERVAL_MS);
  }

  /**
   * Counts one thing the tenant holds (a socket, a wildcard subscription, a filter), unless it
   * already holds `max` of that kind; holding it again renews it. A hold whose release never comes
   * (a shard lost in a redeploy, a filter the node dropped) stops counting at `ttlMs`.
   */
  hold(p: HoldParameters): boolean {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => this.take(p, now));
  }

  /**
   * Holds or renews each of `holds` as `hold` would, in one transaction, in order: a shard takes
   * again the places of its sockets whose holds lapsed. Returns the ids refused (the cap full).
   */
  holdAll(holds: HoldParameters[]): string[] {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => holds.filter((p) => !this.take(p, now)).map((p) => p.id));
  }

  /**
   * Renews each of `holds` still counting, for `ttlMs` from now, and never takes one: a renewal that
   * arrives after its release (the socket closed while it was on its way) brings nothing back. A
   * shard renews what its open sockets hold with one call per tenant. Returns the holds not found.
   */
  renewAll(p: RenewParameters): HoldRef[] {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() =>
      p.holds.filter(
        (h) =>
          this.sql
            .exec(
              "UPDATE holds SET until = ? WHERE kind = ? AND id = ? AND until > ? RETURNING id",
              now + p.ttlMs,
              h.kind,
              h.id,
              now,
            )
            .toArray().length === 0,
      ),
    );
  }

  private take(p: HoldParameters, now: number): boolean {
    this.sql.exec("DELETE FROM holds WHERE kind = ? AND until <= ?", p.kind, now);
    const held = this.sql.exec("SELECT 1 FROM holds WHERE kind = ? AND id = ?", p.kind, p.id).toArray();
    if (held.length === 0) {
      const n = this.sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM holds WHERE kind = ?", p.kind)
        .one().n;
      if (n >= p.max) return false;
    }
    this.sql.exec(
      "INSERT OR REPLACE INTO holds (kind, id, owner, until) VALUES (?, ?, ?, ?)",
      p.kind,
      p.id,
      p.owner ?? null,
      now + p.ttlMs,
    );
    return true;
  }

  /** Releases holds by id, and with `owner` every hold that owner (a socket) took. */
  release(p: ReleaseParameters): void {
    for (const id of p.ids ?? []) this.sql.exec("DELETE FROM holds WHERE kind = ? AND id = ?", p.kind, id);
    if (p.owner !== undefined) this.sql.exec("DELETE FROM holds WHERE owner = ?", p.owner);
  }

  /** The tenant's row as of `now`: created full on first use, its month rolled over when a new one began. */
  private meter(tenantId: string, limits: BucketLimits | undefined, now: number): MeterRow {
    const row = this.sql.exec<MeterRow>("SELECT * FROM meter WHERE id = 1").toArray()[0];
    if (!row) {
      const bucket = limits ? fullBucket(limits, now) : { tokens: 0, at: now };
      const fresh: MeterRow = {
        tenant_id: tenantId,
        tokens: bucket.tokens,
        at: bucket.at,
        month_ends: monthEnds(now),
        month_used: 0,
      };
      this.sql.exec(
        "INSERT INTO meter (id, tenant_id, tokens, at, month_ends, month_used) VALUES (1, ?, ?, ?, ?, ?)",
        fresh.tenant_id,
        fresh.tokens,
        fresh.at,
        fresh.month_ends,
        fresh.month_used,
      );
      return fresh;
    }
    if (now >= row.month_ends) return { ...row, month_ends: monthEnds(now), month_used: 0 };
    return row;
  }
}
