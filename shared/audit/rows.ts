/**
 * @module
 * Audit rows as D1 holds them, read in order of their chain's seq. Raw D1, so that the anchor and
 * the verifier read the same bytes the link was made over.
 */
import type { AuditChainName } from "./anchorProtocol";
import type { LinkedRow } from "./link";

export interface StoredRow extends LinkedRow {
  id: number;
  hash: string;
  keyId: string | null;
}

/** A row of `audit_log` as D1 returns it. */
export interface AuditLogRow {
  id: number;
  chain: string;
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
  key_id: string | null;
}

const SELECT = `SELECT id, chain, seq, at, actor, action, target, before, after, prev_hash, hash, key_id
  FROM audit_log WHERE chain = ?1 AND (seq > ?2 OR (seq = ?2 AND id > ?3)) ORDER BY seq, id LIMIT ?4`;

/** A place in a chain's order (seq, then id): reading resumes after it. */
export interface RowCursor {
  seq: number;
  id: number;
}

/** Before every row of seq `seq` + 1 and after. */
export const afterSeq = (seq: number): RowCursor => ({ seq, id: Number.MAX_SAFE_INTEGER });

function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: an edit made in D1. Its link cannot match, which is how it is found.
    return text;
  }
}

/** Up to `limit` rows of `chain` after `cursor`, in order of seq then id (a repeated seq shows). */
export async function rowsAfter(
  db: D1Database,
  chain: AuditChainName,
  cursor: RowCursor,
  limit: number,
): Promise<StoredRow[]> {
  const { results } = await db.prepare(SELECT).bind(chain, cursor.seq, cursor.id, limit).all<AuditLogRow>();
  return results.map((r) => ({
    id: r.id,
    chain: r.chain,
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    before: parsed(r.before),
    after: parsed(r.after),
    prevHash: r.prev_hash,
    hash: r.hash,
    keyId: r.key_id,
  }));
}

/** The insert of one linked row. */
export function insertRow(db: D1Database, row: Omit<StoredRow, "id">): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO audit_log (chain, seq, at, actor, action, target, before, after, prev_hash, hash, key_id)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)`,
    )
    .bind(
      row.chain,
      row.seq,
      row.at,
      row.actor,
      row.action,
      row.target,
      row.before === null ? null : JSON.stringify(row.before),
      row.after === null ? null : JSON.stringify(row.after),
      row.prevHash,
      row.hash,
      row.keyId,
    );
}

/** Rows that belong to no chain the anchors write (another chain name, or a seq below 1). */
export async function strayRows(db: D1Database, chains: readonly AuditChainName[]): Promise<number> {
  const marks = chains.map((_, i) => `?${i + 1}`).join(", ");
  const row = await db
    .prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE chain NOT IN (${marks}) OR seq < 1`)
    .bind(...chains)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
