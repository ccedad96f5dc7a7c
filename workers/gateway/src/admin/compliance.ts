/**
 * /admin/v1/compliance/report?from=&to=: for a period, the sanctions snapshots made (version, hash,
 * size, what each added and removed) and the set held for approval, if any; the transactions
 * screening refused or flagged, the admin actions, and whether the audit log's chains verify from
 * the period's start to their newest row (each walk starts at the anchor's last checkpoint before
 * the period, not at row one). The rows listed are the rows that walk verified, nothing read beside it.
 */
import { and, asc, desc, gte, lte } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { sanctionsSnapshots } from "../../../../db/schema";
import { verifyAuditSince } from "../../../../shared/audit/check";
import type { StoredRow } from "../../../../shared/audit/rows";
import { pendingView, readPending } from "../../../../shared/stores/sanctionsPending";
import { adminRouter, op } from "./router";
import { ComplianceQuery } from "./schemas";
import { ComplianceReport } from "./views/compliance";

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

const report = {
  summary: "Compliance report of a period",
  description:
    "For a period (`from`, `to`; the last 30 days by default): the sanctions snapshots made and the set " +
    "held for approval, the transactions screening refused or flagged, the admin actions, and whether " +
    "the audit log's chains verify from the period's start to their newest row.",
  tag: "Compliance",
  access: "admin:read",
  query: ComplianceQuery,
  responses: { 200: { description: "The report", schema: ComplianceReport } },
} as const;

export const complianceRoutes = adminRouter().get(
  "/report",
  op(report, async (c, { query }) => {
    const to = query.to ? Date.parse(query.to) : Date.now();
    const from = query.from ? Date.parse(query.from) : to - DEFAULT_DAYS * 86_400_000;
    const db = dbOf(c.env.DB);
    const rows: StoredRow[] = [];
    const [{ snapshots, current }, chain, pending] = await Promise.all([
      readSnapshots(db, from, to),
      verifyAuditSince(c.env, from, (row) => {
        if (row.at <= to) rows.push(row);
      }),
      readPending(db),
    ]);
    rows.sort((a, b) => a.at - b.at);
    const transactions = (action: string) =>
      rows.filter((r) => r.action === action).map((r) => ({ at: iso(r.at), ...(r.after as object) }));
    const actions = rows
      .filter((r) => !SCREENING.includes(r.action))
      .map(({ id, seq, at, actor, action, target }) => ({ id, seq, at, actor, action, target }));
    return c.json({
      period: { from: iso(from), to: iso(to) },
      sanctions: {
        current: current
          ? { version: current.version, at: iso(current.at), hash: current.hash, size: current.size }
          : null,
        /** A set held for approval (it shrinks past SANCTIONS_MAX_SHRINK); `current` stays in force. */
        pending: pending ? pendingView(pending) : null,
        snapshots: snapshots.map((s) => ({ ...s, at: iso(s.at) })),
      },
      refusedTransactions: transactions("transaction.refused"),
      flaggedTransactions: transactions("transaction.flagged"),
      adminActions: actions.map((a) => ({ ...a, at: iso(a.at) })),
      auditChain: chain,
    });
  }),
);

/** The snapshots made in the period, and the current one. */
async function readSnapshots(db: Db, from: number, to: number) {
  const [snapshots, current] = await Promise.all([
    db
      .select(snapshotColumns)
      .from(sanctionsSnapshots)
      .where(and(gte(sanctionsSnapshots.at, from), lte(sanctionsSnapshots.at, to)))
      .orderBy(asc(sanctionsSnapshots.version)),
    db
      .select(snapshotColumns)
      .from(sanctionsSnapshots)
      .orderBy(desc(sanctionsSnapshots.version))
      .limit(1)
      .get(),
  ]);
  return { snapshots, current };
}

const iso = (ms: number) => new Date(ms).toISOString();
