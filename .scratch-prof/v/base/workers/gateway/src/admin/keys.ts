/** /admin/v1/keys/:id: revocation. The key stops working here at once and everywhere within 60 s. */
import { eq } from "drizzle-orm";
import { apiKeys } from "../../../../db/schema";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { keyCacheKey, keyMemory } from "../auth/resolveKey";
import { invalidate } from "../cache/readThrough";
import { dbOf } from "../db";
import { adminApp } from "./app";
import { commitWithAudit } from "./audit";
import { publicKeyColumns } from "./tenants";

export const keyRoutes = adminApp().delete("/:id", async (c) => {
  const db = dbOf(c.env.DB);
  const id = c.req.param("id");
  const found = await db
    .select({ ...publicKeyColumns, hash: apiKeys.hash })
    .from(apiKeys)
    .where(eq(apiKeys.id, id))
    .get();
  if (!found) throw new NotFoundError(`no key ${id}`);
  const { hash, ...before } = found;
  if (before.revokedAt === null) {
    const after = { ...before, revokedAt: Date.now() };
    await commitWithAudit(db, { actor: c.get("actor"), action: "key.revoke", target: id, before, after }, [
      db.update(apiKeys).set({ revokedAt: after.revokedAt }).where(eq(apiKeys.id, id)),
    ]);
    await invalidate(c.env.CONFIG_KV, keyMemory, keyCacheKey(hash));
    return c.json(after);
  }
  return c.json(before);
});
