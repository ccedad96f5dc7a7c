/**
 * /admin/v1/compliance/report?from=&to=: for a period, the sanctions snapshots made (version, hash,
 * size, what each added and removed), the transactions screening refused or flagged, the admin
 * actions, and whether the audit log's hash chain verifies from its first row.
 */
import { type AnyColumn, and, asc, desc, gte, inArray, lte, notInArray } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { auditLog, sanctionsSnapshots } from "../../../../db/schema";
import { verifyAuditChain } from "../../../../shared/audit/log";
import { adminRouter } from "./router";
import { ComplianceQuery } from "./schemas";
import { validQuery } from "./validate";

const DEFAULT_DAYS = 30;
const SCREENING = ["transaction.refused", "transaction.flagged"];

const snapshotColumns = {
  version: sanctionsSnapshots.version,
  at: sanctionsSnapshots.at,
  hash: sanctionsSnapshots.hash,
  size: sanctionsSnapshots.size,
  added: sanctionsSnapshots.added,
  removed: sanctionsSnapshots.removed,
  sources: sanctionsSnapshots.sources,
};

export const complianceRoutes = adminRouter().get("/report", async (c) => {
  const query = validQuery(c, ComplianceQuery);
  const to = query.to ? Date.parse(query.to) : Date.now();
  const from = query.from ? Date.parse(query.from) : to - DEFAULT_DAYS * 86_400_000;
  const [{ snapshots, current, screened, actions }, chain] = await Promise.all([
    readPeriod(dbOf(c.env.DB), from, to),
    verifyAuditChain(dbOf(c.env.DB)),
  ]);
  const transactions = (action: string) =>
    screened.filter((r) => r.action === action).map((r) => ({ at: iso(r.at), ...(r.after as object) }));
  return c.json({
    period: { from: iso(from), to: iso(to) },
    sanctions: {
      current: current
        ? { version: current.version, at: iso(current.at), hash: current.hash, size: current.size }
        : null,
      snapshots: snapshots.map((s) => ({ ...s, at: iso(s.at) })),
    },
    refusedTransactions: transactions("transaction.refused"),
    flaggedTransactions: transactions("transaction.flagged"),
    adminActions: actions.map((a) => ({ ...a, at: iso(a.at) })),
    auditChain: chain,
  });
});

/** The snapshots made in the period and the current one, the screening rows and the admin actions. */
async function readPeriod(db: Db, from: number, to: number) {
  const inPeriod = (at: AnyColumn) => and(gte(at, from), lte(at, to));
  const [snapshots, current, screened, actions] = await Promise.all([
    db
      .select(snapshotColumns)
      .from(sanctionsSnapshots)
      .where(inPeriod(sanctionsSnapshots.at))
      .orderBy(asc(sanctionsSnapshots.version)),
    db
      .select(snapshotColumns)
      .from(sanctionsSnapshots)
      .orderBy(desc(sanctionsSnapshots.version))
      .limit(1)
      .get(),
    db
      .select()
      .from(auditLog)
      .where(and(inPeriod(auditLog.at), inArray(auditLog.action, SCREENING)))
      .orderBy(asc(auditLog.id)),
    db
      .select({
        id: auditLog.id,
        at: auditLog.at,
        actor: auditLog.actor,
        action: auditLog.action,
        target: auditLog.target,
      })
      .from(auditLog)
      .where(and(inPeriod(auditLog.at), notInArray(auditLog.action, SCREENING)))
      .orderBy(asc(auditLog.id)),
  ]);
  return { snapshots, current, screened, actions };
}

const iso = (ms: number) => new Date(ms).toISOString();
