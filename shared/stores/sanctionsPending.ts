/**
 * @module
 * The sanctions set held for approval (D1 `sanctions_pending`): written by the sanctions job when a
 * new set shrinks past SANCTIONS_MAX_SHRINK, decided by an admin (approve, reject) or by a later run
 * (replaced, cleared). Its addresses stay in D1: screening reads only the current set in KV.
 */
import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { sanctionsPending, sanctionsSnapshots } from "../../db/schema";
import type { PublishedSanctions } from "./sanctions";

export type PendingSnapshot = typeof sanctionsPending.$inferSelect;
export type Decision = Exclude<PendingSnapshot["status"], "pending">;

/** The set waiting for an admin, if any (at most one). */
export function readPending(db: Db): Promise<PendingSnapshot | undefined> {
  return db.select().from(sanctionsPending).where(eq(sanctionsPending.status, "pending")).get();
}

/** One held set by id, whatever its status. */
export function readPendingById(db: Db, id: string): Promise<PendingSnapshot | undefined> {
  return db.select().from(sanctionsPending).where(eq(sanctionsPending.id, id)).get();
}

/** The newest published version, addresses included. */
export function readLatestSnapshot(db: Db) {
  return db.select().from(sanctionsSnapshots).orderBy(desc(sanctionsSnapshots.version)).limit(1).get();
}

/** Marks a held set decided (its addresses dropped: an approved set lives on in sanctions_snapshots). */
export function decidePending(db: Db, id: string, decision: Decision, by: string, version?: number) {
  return db
    .update(sanctionsPending)
    .set({ status: decision, decidedAt: Date.now(), decidedBy: by, addresses: [], version: version ?? null })
    .where(eq(sanctionsPending.id, id));
}

/** A held set as the compliance report and the admin API show it: counted, not listed. */
export function pendingView({ addresses: _, ...pending }: PendingSnapshot) {
  return {
    ...pending,
    at: new Date(pending.at).toISOString(),
    decidedAt: pending.decidedAt === null ? null : new Date(pending.decidedAt).toISOString(),
  };
}

/** A snapshot row as the gateway's screening reads it from KV. */
export function publishedOf(row: {
  version: number;
  hash: string;
  at: number;
  addresses: string[];
}): PublishedSanctions {
  return {
    version: row.version,
    hash: row.hash,
    at: new Date(row.at).toISOString(),
    addresses: row.addresses,
  };
}
