/**
 * /admin/v1/sanctions/pending: the sanctions set the job held because it removes more than
 * SANCTIONS_MAX_SHRINK of the current version's addresses. Approving publishes exactly that set as the
 * next version; rejecting discards it (the job does not hold the same set again). Both audited.
 */
import { type Db, dbOf } from "../../../../db/client";
import { sanctionsSnapshots } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { ConflictError, NotFoundError } from "../../../../shared/errors/kinds";
import { diff } from "../../../../shared/sanctions/list";
import { publishSanctions } from "../../../../shared/screening/sanctionsSet";
import {
  decidePending,
  type PendingSnapshot,
  pendingView,
  publishedOf,
  readLatestSnapshot,
  readPending,
  readPendingById,
} from "../../../../shared/stores/sanctionsPending";
import { param } from "../openapi/op";
import { adminRouter, op } from "./router";
import { ApprovedAnswer, PendingAnswer, RejectedAnswer } from "./views/sanctions";

/** The held set `id` if it still waits: 404 when there is none, 409 when it was decided or replaced. */
async function requirePending(db: Db, id: string): Promise<PendingSnapshot> {
  const pending = await readPendingById(db, id);
  if (!pending) throw new NotFoundError(`no held sanctions set ${id}: see GET /admin/v1/sanctions/pending`);
  if (pending.status !== "pending") {
    const newer =
      pending.status === "replaced" ? ` (a newer set was held: see GET /admin/v1/sanctions/pending)` : "";
    throw new ConflictError(
      `held sanctions set ${id} is no longer pending: it was ${pending.status} by ${pending.decidedBy}${newer}`,
    );
  }
  return pending;
}

const current = (v: { version: number; at: number; hash: string; size: number }) => ({
  version: v.version,
  at: new Date(v.at).toISOString(),
  hash: v.hash,
  size: v.size,
});

const TAG = "Sanctions";

const listPending = {
  summary: "Read the held sanctions set",
  description:
    "The set the sanctions job held because it removes more than SANCTIONS_MAX_SHRINK of the current version's addresses; null when none waits.",
  tag: TAG,
  access: "admin:read",
  responses: { 200: { description: "The held set, counted, not listed", schema: PendingAnswer } },
} as const;

const approve = {
  summary: "Approve the held sanctions set",
  description:
    "Publishes exactly that set as the next version; refused (409) when it was decided or replaced, or when another version came into force since it was held.",
  tag: TAG,
  access: "admin:write",
  responses: { 200: { description: "The version now in force", schema: ApprovedAnswer } },
} as const;

const reject = {
  summary: "Reject the held sanctions set",
  description: "Discards it: the job does not hold the same set again. The current version stays.",
  tag: TAG,
  access: "admin:write",
  responses: { 200: { description: "The version still in force", schema: RejectedAnswer } },
} as const;

export const sanctionsPendingRoutes = adminRouter()
  .get(
    "/pending",
    op(listPending, async (c) => {
      const pending = await readPending(dbOf(c.env.DB));
      return c.json({ pending: pending ? pendingView(pending) : null });
    }),
  )
  .post(
    "/pending/:id/approve",
    op(approve, async (c) => {
      const db = dbOf(c.env.DB);
      const pending = await requirePending(db, param(c, "id"));
      const latest = await readLatestSnapshot(db);
      if ((latest?.version ?? null) !== pending.baseVersion) {
        throw new ConflictError(
          `held sanctions set ${pending.id} was measured against version ${pending.baseVersion}, but version ${latest?.version} is in force now; wait for the next sanctions run`,
        );
      }
      const changes = diff(latest?.addresses ?? [], pending.addresses);
      const { hash, size, addresses, sources } = pending;
      const snapshot = {
        version: (latest?.version ?? 0) + 1,
        at: Date.now(),
        hash,
        size,
        addresses,
        ...changes,
        sources,
      };
      const after = {
        version: snapshot.version,
        hash,
        size,
        added: changes.added.length,
        removed: changes.removed.length,
        share: pending.share,
        replaces: latest?.version ?? null,
      };
      await commitWithAudit(
        c.env,
        { actor: c.get("actor"), action: "sanctions.approve", target: pending.id, after },
        [
          decidePending(db, pending.id, "approved", c.get("actor"), snapshot.version),
          db.insert(sanctionsSnapshots).values(snapshot),
        ],
      );
      await publishSanctions(c.env.CONFIG_KV, publishedOf(snapshot));
      return c.json({
        approved: pending.id,
        current: current(snapshot),
        added: after.added,
        removed: after.removed,
      });
    }),
  )
  .post(
    "/pending/:id/reject",
    op(reject, async (c) => {
      const db = dbOf(c.env.DB);
      const pending = await requirePending(db, param(c, "id"));
      await commitWithAudit(
        c.env,
        {
          actor: c.get("actor"),
          action: "sanctions.reject",
          target: pending.id,
          before: pendingView(pending),
          after: { status: "rejected" },
        },
        [decidePending(db, pending.id, "rejected", c.get("actor"))],
      );
      const latest = await readLatestSnapshot(db);
      return c.json({ rejected: pending.id, current: latest ? current(latest) : null });
    }),
  );
