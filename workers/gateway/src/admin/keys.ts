/**
 * /admin/v1/keys/:id: a key's own CU cap, and revocation. A change applies here at once and
 * everywhere within 60 s.
 */
import { eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { apiKeys } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { forgetKeys } from "../../../../shared/keys/resolveKey";
import { adminRouter } from "./router";
import { UpdateKey } from "./schemas";
import { publicKeyColumns } from "./tenants";
import { validBody } from "./validate";

async function requireKey(db: Db, id: string) {
  const found = await db
    .select({ ...publicKeyColumns, hash: apiKeys.hash })
    .from(apiKeys)
    .where(eq(apiKeys.id, id))
    .get();
  if (!found) throw new NotFoundError(`no key ${id}`);
  const { hash, ...key } = found;
  return { hash, key };
}

export const keyRoutes = adminRouter()
  .patch("/:id", async (c) => {
    const changes = await validBody(c, UpdateKey);
    const db = dbOf(c.env.DB);
    const { hash, key: before } = await requireKey(db, c.req.param("id"));
    const after = { ...before, ...changes };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "key.update", target: before.id, before, after },
      [db.update(apiKeys).set(changes).where(eq(apiKeys.id, before.id))],
    );
    await forgetKeys(c.env, [{ hash }]);
    return c.json(after);
  })
  .delete("/:id", async (c) => {
    const db = dbOf(c.env.DB);
    const { hash, key: before } = await requireKey(db, c.req.param("id"));
    if (before.revokedAt !== null) return c.json(before);
    const after = { ...before, revokedAt: Date.now() };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "key.revoke", target: before.id, before, after },
      [db.update(apiKeys).set({ revokedAt: after.revokedAt }).where(eq(apiKeys.id, before.id))],
    );
    await forgetKeys(c.env, [{ hash }]);
    return c.json(after);
  });
