/**
 * /admin/v1/audit: the newest rows (`GET /`, `?chain=&limit=&before=<seq>`, newest first, without
 * their before/after values), verify the audit log's chains (`GET /verify`, from row one, or from the first
 * row at or after `?from=`), and re-link them with the newest AUDIT_KEY key (`POST /reseal`), so an
 * old key can be removed; the re-seal is itself audited.
 */
import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import { dbOf } from "../../../../db/client";
import { auditLog } from "../../../../db/schema";
import { AUDIT_CHAINS, verifyAuditSince } from "../../../../shared/audit/check";
import { anchorOf, commitWithAudit } from "../../../../shared/audit/log";
import { keyRingOf } from "../../../../shared/crypto/keyRing";
import { ConflictError } from "../../../../shared/errors/kinds";
import { adminRouter, op } from "./router";
import { AuditVerifyQuery } from "./schemas";
import { AuditCheck, AuditRowList, ResealAnswer } from "./views/audit";

/** Which rows `GET /` lists: one chain's, at most `limit`, before its row number `before` (seq). */
const AuditListQuery = z.strictObject({
  chain: z.enum(["admin", "screening"]).default("admin"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

const TAG = "Audit";

const list = {
  summary: "List the newest audit rows",
  description:
    "One chain's rows, newest first, without their before/after values; `before` pages back by seq.",
  tag: TAG,
  access: "admin:read",
  query: AuditListQuery,
  responses: { 200: { description: "The rows", schema: AuditRowList } },
} as const;

const verify = {
  summary: "Verify the audit log",
  description:
    "Walks each chain against its anchor, from row one or from the first row at or after `from`, and " +
    "names the first row that is wrong.",
  tag: TAG,
  access: "admin:read",
  query: AuditVerifyQuery,
  responses: { 200: { description: "Whether each chain verifies", schema: AuditCheck } },
} as const;

const reseal = {
  summary: "Re-seal the audit log",
  description:
    "Re-links every keyed row with the newest AUDIT_KEY key, so an old key can be removed; audited. " +
    "Refused (409) when a chain does not verify.",
  tag: TAG,
  access: "admin:write",
  responses: { 200: { description: "The key now linking each chain", schema: ResealAnswer } },
} as const;

export const auditRoutes = adminRouter()
  .get(
    "/",
    op(list, async (c, { query }) => {
      const { id, chain, seq, at, actor, action, target } = auditLog;
      const rows = await dbOf(c.env.DB)
        .select({ id, chain, seq, at, actor, action, target })
        .from(auditLog)
        // Read along the (chain, seq) index: the newest rows first, however long the log is.
        .where(and(eq(chain, query.chain), query.before === undefined ? undefined : lt(seq, query.before)))
        .orderBy(desc(seq))
        .limit(query.limit);
      return c.json({ rows });
    }),
  )
  .get(
    "/verify",
    op(verify, async (c, { query }) =>
      c.json(await verifyAuditSince(c.env, query.from ? Date.parse(query.from) : 0)),
    ),
  )
  .post(
    "/reseal",
    op(reseal, async (c) => {
      const chains = [];
      for (const chain of AUDIT_CHAINS) chains.push(await anchorOf(c.env, chain).reseal(chain));
      const keyId = keyRingOf("AUDIT_KEY", c.env.AUDIT_KEY).current.id;
      // Recorded whatever the outcome: a chain re-sealed before another was refused is in the log too.
      await commitWithAudit(
        c.env,
        { actor: c.get("actor"), action: "audit.resealed", target: "audit_log", after: { keyId, chains } },
        [],
      );
      const refused = chains.find((r) => "refused" in r);
      if (refused && "refused" in refused) throw new ConflictError(refused.refused);
      return c.json({ keyId, chains });
    }),
  );
