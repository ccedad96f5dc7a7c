/**
 * @module
 * Writing to the audit log. Every row goes through its chain's anchor (a Durable Object, the chain's
 * only writer), which links it with AUDIT_KEY and commits it to D1 together with the change it
 * records: no change without its row, no fork, no retries on a contended tail. Admin changes and
 * screening decisions are separate chains, so tenants' traffic never queues in front of an admin.
 */
import type { Env } from "../config/env";
import { ConflictError } from "../errors/kinds";
import type { AuditChainName, AuditEntry, SqlStatement } from "./anchorProtocol";

export type { AuditEntry } from "./anchorProtocol";

/** A drizzle query (insert, update, delete) committed with the audit row. */
export interface AuditedWrite {
  toSQL(): { sql: string; params: unknown[] };
}

/** The anchor (and only writer) of one chain. */
export function anchorOf(env: Pick<Env, "AUDIT">, chain: AuditChainName) {
  return env.AUDIT.getByName(chain);
}

/** Commits `changes` and their audit row on the admin chain, in one D1 transaction. */
export async function commitWithAudit(
  env: Pick<Env, "AUDIT">,
  entry: AuditEntry,
  changes: AuditedWrite[],
): Promise<void> {
  const statements: SqlStatement[] = changes.map((change) => {
    const { sql, params } = change.toSQL();
    return { sql, params };
  });
  try {
    await anchorOf(env, "admin").append("admin", entry, statements);
  } catch (err) {
    const message = `${(err as Error)?.message} ${((err as Error)?.cause as Error | undefined)?.message}`;
    const unique = /UNIQUE constraint failed: (\w+\.\w+)/.exec(message)?.[1];
    if (unique && !unique.startsWith("audit_log.")) {
      throw new ConflictError(`already exists: ${unique} must be unique`, { cause: err });
    }
    throw err;
  }
}

/** Records a screening decision on the screening chain; rejects if it could not be written. */
export async function recordScreening(env: Pick<Env, "AUDIT">, entry: AuditEntry): Promise<void> {
  await anchorOf(env, "screening").append("screening", entry);
}
