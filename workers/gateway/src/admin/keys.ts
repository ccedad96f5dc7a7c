/**
 * /admin/v1/keys/:id: a key's own CU cap and allowlists, its secret, and revocation. A change applies
 * here at once and everywhere within 60 s.
 */
import { eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { apiKeys } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { ConflictError, NotFoundError } from "../../../../shared/errors/kinds";
import { forgetKeys } from "../../../../shared/keys/resolveKey";
import { param } from "../openapi/op";
import { adminRouter, op } from "./router";
import { UpdateKey } from "./schemas";
import { checkedRules, newKeySecret, publicKeyColumns } from "./tenants";
import {
  KEY_EXAMPLE,
  KEY_WITH_SECRET_EXAMPLE,
  KeyView,
  KeyWithSecret,
  REVOKED_KEY_EXAMPLE,
  UPDATE_KEY_EXAMPLE,
} from "./views/keys";

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

const TAG = "Keys";

export const keyRoutes = adminRouter()
  .patch(
    "/:id",
    op(
      {
        summary: "Change an API key",
        description:
          "Its name, CU cap, allowlists (null removes one) or JWT requirement. Applies here at once and everywhere within 60 s.",
        tag: TAG,
        access: "admin:write",
        body: UpdateKey,
        bodyExample: UPDATE_KEY_EXAMPLE,
        responses: { 200: { description: "The key as changed", schema: KeyView, example: KEY_EXAMPLE } },
      },
      async (c, { body }) => {
        const changes = checkedRules(body);
        const db = dbOf(c.env.DB);
        const { hash, key: before } = await requireKey(db, param(c, "id"));
        const after = { ...before, ...changes };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "key.update", target: before.id, before, after },
          [db.update(apiKeys).set(changes).where(eq(apiKeys.id, before.id))],
        );
        await forgetKeys(c.env, [{ hash }]);
        return c.json(after);
      },
    ),
  )
  // A new secret, returned once; the old one stops working. The audit row says only that it changed.
  .post(
    "/:id/secret",
    op(
      {
        summary: "Give an API key a new secret",
        description:
          "The secret is in this answer only; the old one stops working. A revoked key cannot have one (409).",
        tag: TAG,
        access: "admin:write",
        responses: {
          201: {
            description: "The key, with its new secret (shown once)",
            schema: KeyWithSecret,
            example: KEY_WITH_SECRET_EXAMPLE,
          },
        },
      },
      async (c) => {
        const db = dbOf(c.env.DB);
        const { hash, key: before } = await requireKey(db, param(c, "id"));
        if (before.revokedAt !== null)
          throw new ConflictError(`key ${before.id} is revoked: create a new key`);
        const { secret, secretHash } = await newKeySecret();
        const after = { ...before, hasSecret: true };
        await commitWithAudit(
          c.env,
          {
            actor: c.get("actor"),
            action: "key.secret",
            target: before.id,
            before,
            after: { ...after, secretChanged: true },
          },
          [db.update(apiKeys).set({ secretHash }).where(eq(apiKeys.id, before.id))],
        );
        await forgetKeys(c.env, [{ hash }]);
        return c.json({ ...after, secret }, 201);
      },
    ),
  )
  .delete(
    "/:id",
    op(
      {
        summary: "Revoke an API key",
        description:
          "Refused here at once and everywhere within 60 s. Revoking a revoked key changes nothing and answers it as it is.",
        tag: TAG,
        access: "admin:write",
        responses: {
          200: { description: "The key, revoked", schema: KeyView, example: REVOKED_KEY_EXAMPLE },
        },
      },
      async (c) => {
        const db = dbOf(c.env.DB);
        const { hash, key: before } = await requireKey(db, param(c, "id"));
        if (before.revokedAt !== null) return c.json(before);
        const after = { ...before, revokedAt: Date.now() };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "key.revoke", target: before.id, before, after },
          [db.update(apiKeys).set({ revokedAt: after.revokedAt }).where(eq(apiKeys.id, before.id))],
        );
        await forgetKeys(c.env, [{ hash }]);
        return c.json(after);
      },
    ),
  );
