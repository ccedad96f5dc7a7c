/**
 * /admin/v1/audit: verify the audit log's chains (`GET /verify`, from row one, or from the first
 * row at or after `?from=`), and re-link them with the newest AUDIT_KEY key (`POST /reseal`), so an
 * old key can be removed; the re-seal is itself audited.
 */
import { AUDIT_CHAINS, verifyAuditSince } from "../../../../shared/audit/check";
import { anchorOf, commitWithAudit } from "../../../../shared/audit/log";
import { keyRingOf } from "../../../../shared/crypto/keyRing";
import { ConflictError } from "../../../../shared/errors/kinds";
import { adminRouter } from "./router";
import { AuditVerifyQuery } from "./schemas";
import { validQuery } from "./validate";

export const auditRoutes = adminRouter()
  .get("/verify", async (c) => {
    const query = validQuery(c, AuditVerifyQuery);
    return c.json(await verifyAuditSince(c.env, query.from ? Date.parse(query.from) : 0));
  })
  .post("/reseal", async (c) => {
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
  });
