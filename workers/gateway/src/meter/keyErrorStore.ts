/**
 * @module
 * The tenant's recent errors by key, in its meter's SQLite (`key_errors`): calls answered with an
 * error per UTC day, key and JSON-RPC code, as the isolates report them (shared/metering/keyErrors.ts).
 * Kept only here, for KEEP_DAYS days, then pruned; they never go to D1.
 */
import type { CodeCount, ErrorCount } from "../../../../shared/metering/keyErrors";
import { dayOf } from "../../../../shared/metering/usage";

/** Days kept, today included. */
export const KEEP_DAYS = 8;
/** Codes one read returns, at most. */
export const MAX_CODES = 50;
const DAY_MS = 86_400_000;

export const KEY_ERRORS_SCHEMA = `
CREATE TABLE IF NOT EXISTS key_errors (
  day TEXT NOT NULL, key_id TEXT NOT NULL, code INTEGER NOT NULL,
  count INTEGER NOT NULL, last_at INTEGER NOT NULL,
  PRIMARY KEY (day, key_id, code));
CREATE INDEX IF NOT EXISTS key_errors_key ON key_errors (key_id, day);
`;

/** Adds a report's error counts (the caller applies each report once). */
export function addKeyErrors(sql: SqlStorage, errors: readonly ErrorCount[]): void {
  for (const e of errors) {
    sql.exec(
      `INSERT INTO key_errors (day, key_id, code, count, last_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (day, key_id, code) DO UPDATE SET
         count = count + excluded.count, last_at = max(last_at, excluded.last_at)`,
      e.day,
      e.keyId,
      e.code,
      e.count,
      e.lastAt,
    );
  }
}

/** The key's errors on `sinceDay` and after, summed by code: most first, then by code. */
export function readKeyErrors(sql: SqlStorage, keyId: string, sinceDay: string): CodeCount[] {
  return sql
    .exec<{ code: number; count: number; lastAt: number }>(
      `SELECT code, SUM(count) AS count, MAX(last_at) AS lastAt FROM key_errors
       WHERE key_id = ? AND day >= ? GROUP BY code ORDER BY count DESC, code ASC LIMIT ?`,
      keyId,
      sinceDay,
      MAX_CODES,
    )
    .toArray()
    .map((r) => ({ code: r.code, count: r.count, lastAt: r.lastAt }));
}

/** Drops the days older than KEEP_DAYS. */
export function pruneKeyErrors(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM key_errors WHERE day < ?", dayOf(now - (KEEP_DAYS - 1) * DAY_MS));
}
