/**
 * @module
 * Commits an admin change and its audit row in one D1 transaction. Each row's hash covers the
 * previous row's hash; `prev_hash` is unique, so when two writers race for the same tail one batch
 * fails whole and is retried on the new tail: no change without its row, no fork in the chain.
 */

import { asc, desc, gt } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { auditLog } from "../../db/schema";
import { sha256Hex } from "../crypto/hash";
import { ConflictError } from "../errors/kinds";

export const GENESIS_HASH = "0".repeat(64);
const MAX_ATTEMPTS = 12;

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}

export function auditHash(prevHash: string, row: AuditEntry & { at: number }): Promise<string> {
  return sha256Hex(
    JSON.stringify([
      prevHash,
      row.at,
      row.actor,
      row.action,
      row.target,
      row.before ?? null,
      row.after ?? null,
    ]),
  );
}

export async function commitWithAudit(
  db: Db,
  entry: AuditEntry,
  changes: BatchItem<"sqlite">[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const tail = await db
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.id))
      .limit(1)
      .get();
    const prevHash = tail?.hash ?? GENESIS_HASH;
    const row = { ...entry, at: Date.now(), before: entry.before ?? null, after: entry.after ?? null };
    const insert: BatchItem<"sqlite"> = db
      .insert(auditLog)
      .values({ ...row, prevHash, hash: await auditHash(prevHash, row) });
    try {
      await db.batch([insert, ...changes]);
      return;
    } catch (err) {
      const message = `${(err as Error)?.message} ${((err as Error)?.cause as Error | undefined)?.message}`;
      if (message.includes("audit_log.prev_hash")) {
        if (attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
          continue;
        }
        throw new ConflictError("too many concurrent admin writes; retry the request", { cause: err });
      }
      const unique = /UNIQUE constraint failed: (\w+\.\w+)/.exec(message)?.[1];
      if (unique) throw new ConflictError(`already exists: ${unique} must be unique`, { cause: err });
      throw err;
    }
  }
}

export interface ChainCheck {
  verified: boolean;
  rows: number;
  /** The first row whose link or hash does not match, and what is wrong with it. */
  broken?: { id: number; reason: string };
}

/** Walks the whole log from the first row: each row must link to the one before and hash to its `hash`. */
export async function verifyAuditChain(db: Db): Promise<ChainCheck> {
  const PAGE = 1_000;
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let rows = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, lastId))
      .orderBy(asc(auditLog.id))
      .limit(PAGE);
    for (const row of page) {
      rows++;
      if (row.prevHash !== prevHash) {
        return {
          verified: false,
          rows,
          broken: {
            id: row.id,
            reason: "does not link to the row before it (a row was removed or inserted)",
          },
        };
      }
      if ((await auditHash(prevHash, row)) !== row.hash) {
        return {
          verified: false,
          rows,
          broken: { id: row.id, reason: "its content does not match its hash (the row was edited)" },
        };
      }
      prevHash = row.hash;
      lastId = row.id;
    }
    if (page.length < PAGE) return { verified: true, rows };
  }
}
