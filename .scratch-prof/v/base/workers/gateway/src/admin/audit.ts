/**
 * @module
 * Commits an admin change and its audit row in one D1 transaction. Each row's hash covers the
 * previous row's hash; `prev_hash` is unique, so when two writers race for the same tail one batch
 * fails whole and is retried on the new tail: no change without its row, no fork in the chain.
 */

import { desc } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { auditLog } from "../../../../db/schema";
import { sha256Hex } from "../../../../shared/crypto/hash";
import { ConflictError } from "../../../../shared/errors/kinds";
import type { Db } from "../db";

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
