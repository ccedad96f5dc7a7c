/**
 * /admin/v1/tenants/:id/jwt-keys: the public keys a tenant signs its users' JWTs with (RS256, ES256
 * or EdDSA, each pinned to its algorithm and named by a kid unique within the tenant). A key is
 * disabled (and enabled again) by PATCH, or deleted; either stops its tokens within the revocation
 * bound (60 s everywhere, at once here), and closes sockets opened with them at their next key check.
 */
import { and, eq } from "drizzle-orm";
import { importJWK } from "jose";
import { type Db, dbOf } from "../../../../db/client";
import { apiKeys, tenantJwtKeys } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import type { Env } from "../../../../shared/config/env";
import { randomId } from "../../../../shared/crypto/hash";
import { publicJwkProblem, publicMembers } from "../../../../shared/crypto/publicJwk";
import { ConflictError, InvalidBodyError, NotFoundError } from "../../../../shared/errors/kinds";
import { forgetKeys } from "../../../../shared/keys/resolveKey";
import { param } from "../openapi/op";
import { adminRouter, op } from "./router";
import { CreateJwtKey, UpdateJwtKey } from "./schemas";
import { requireTenant } from "./tenants";
import {
  CREATE_JWT_KEY_EXAMPLE,
  DELETED_JWT_KEY_EXAMPLE,
  DeletedJwtKey,
  DISABLED_JWT_KEY_EXAMPLE,
  JWT_KEY_EXAMPLE,
  JWT_KEY_LIST_EXAMPLE,
  JwtKeyList,
  JwtKeyView,
  UPDATE_JWT_KEY_EXAMPLE,
} from "./views/jwtKeys";

/** Keys a tenant may register (active or disabled): each rides along with every key context of the tenant. */
export const MAX_JWT_KEYS = 20;
const JWT_ALGS = ["RS256", "ES256", "EdDSA"] as const;

function badJwk(problem: string): InvalidBodyError {
  return new InvalidBodyError("invalid body: see data.fields", { data: { fields: { jwk: problem } } });
}

/** The JWK as it is kept: a public key of one of JWT_ALGS with a kid, only the members verifying needs. */
function checkedJwk(
  jwk: Record<string, unknown>,
): Record<string, string> & { kid: string; alg: (typeof JWT_ALGS)[number] } {
  if (typeof jwk.kid !== "string" || jwk.kid.trim() === "" || jwk.kid.length > 100) {
    throw badJwk("needs a kid (1 to 100 characters): tokens name the key that verifies them by it");
  }
  const problem = publicJwkProblem(jwk, JWT_ALGS);
  if (problem) throw badJwk(`this key ${problem}`);
  return publicMembers(jwk) as ReturnType<typeof checkedJwk>;
}

async function requireJwtKey(db: Db, tenantId: string, id: string) {
  const key = await db
    .select()
    .from(tenantJwtKeys)
    .where(and(eq(tenantJwtKeys.tenantId, tenantId), eq(tenantJwtKeys.id, id)))
    .get();
  if (!key) throw new NotFoundError(`tenant ${tenantId} has no JWT key ${id}`);
  return key;
}

/** Every cached context of the tenant's keys carries its JWT keys: forget them all. */
async function forgetTenantKeys(env: Env, db: Db, tenantId: string): Promise<void> {
  await forgetKeys(
    env,
    await db.select({ hash: apiKeys.hash }).from(apiKeys).where(eq(apiKeys.tenantId, tenantId)),
  );
}

const TAG = "Tenant JWT keys";

export const jwtKeyRoutes = adminRouter()
  .get(
    "/",
    op(
      {
        summary: "List a tenant's JWT keys",
        tag: TAG,
        access: "admin:read",
        responses: {
          200: {
            description: "The tenant's JWT keys, oldest first",
            schema: JwtKeyList,
            example: JWT_KEY_LIST_EXAMPLE,
          },
        },
      },
      async (c) => {
        const db = dbOf(c.env.DB);
        const tenant = await requireTenant(db, param(c, "id"));
        const keys = await db
          .select()
          .from(tenantJwtKeys)
          .where(eq(tenantJwtKeys.tenantId, tenant.id))
          .orderBy(tenantJwtKeys.createdAt);
        return c.json({ keys });
      },
    ),
  )
  .post(
    "/",
    op(
      {
        summary: "Register a JWT key",
        description: `A public JWK (RS256, ES256 or EdDSA) with a kid unique within the tenant; at most ${MAX_JWT_KEYS} keys a tenant. Only the members verifying needs are kept.`,
        tag: TAG,
        access: "admin:write",
        body: CreateJwtKey,
        bodyExample: CREATE_JWT_KEY_EXAMPLE,
        responses: {
          201: { description: "The key registered, active", schema: JwtKeyView, example: JWT_KEY_EXAMPLE },
        },
      },
      async (c, { body: { jwk: given } }) => {
        const jwk = checkedJwk(given);
        // WebCrypto's own check, which reads the key as verifying will: an EC point off its curve fails here.
        await importJWK(jwk, jwk.alg).catch(() => {
          throw badJwk("this key does not import as a public key of its alg: check its coordinates");
        });
        const db = dbOf(c.env.DB);
        const tenant = await requireTenant(db, param(c, "id"));
        const held = await db
          .select({ kid: tenantJwtKeys.kid })
          .from(tenantJwtKeys)
          .where(eq(tenantJwtKeys.tenantId, tenant.id));
        if (held.some((k) => k.kid === jwk.kid)) {
          throw new ConflictError(
            `tenant ${tenant.id} already has a JWT key with kid "${jwk.kid}": use another kid, or delete that key first`,
          );
        }
        if (held.length >= MAX_JWT_KEYS) {
          throw new ConflictError(
            `tenant ${tenant.id} has ${held.length} JWT keys, the most it may have: delete one first`,
          );
        }
        const key = {
          id: randomId("jwk"),
          tenantId: tenant.id,
          kid: jwk.kid,
          alg: jwk.alg,
          jwk,
          status: "active" as const,
          createdAt: Date.now(),
          disabledAt: null,
        };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "jwt_key.create", target: key.id, after: key },
          [db.insert(tenantJwtKeys).values(key)],
        );
        await forgetTenantKeys(c.env, db, tenant.id);
        return c.json(key, 201);
      },
    ),
  )
  .patch(
    "/:jwkId",
    op(
      {
        summary: "Disable or enable a JWT key",
        description:
          "A disabled key's tokens are refused here at once and everywhere within 60 s; sockets opened with them close at their next key check.",
        tag: TAG,
        access: "admin:write",
        body: UpdateJwtKey,
        bodyExample: UPDATE_JWT_KEY_EXAMPLE,
        responses: {
          200: { description: "The key as changed", schema: JwtKeyView, example: DISABLED_JWT_KEY_EXAMPLE },
        },
      },
      async (c, { body: { status } }) => {
        const db = dbOf(c.env.DB);
        const before = await requireJwtKey(db, param(c, "id"), param(c, "jwkId"));
        const changes = {
          status,
          disabledAt: status === "disabled" ? (before.disabledAt ?? Date.now()) : null,
        };
        const after = { ...before, ...changes };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "jwt_key.update", target: before.id, before, after },
          [db.update(tenantJwtKeys).set(changes).where(eq(tenantJwtKeys.id, before.id))],
        );
        await forgetTenantKeys(c.env, db, before.tenantId);
        return c.json(after);
      },
    ),
  )
  .delete(
    "/:jwkId",
    op(
      {
        summary: "Delete a JWT key",
        description:
          "Its tokens are refused here at once and everywhere within 60 s; sockets opened with them close at their next key check.",
        tag: TAG,
        access: "admin:write",
        responses: {
          200: {
            description: "The key as it was, deleted",
            schema: DeletedJwtKey,
            example: DELETED_JWT_KEY_EXAMPLE,
          },
        },
      },
      async (c) => {
        const db = dbOf(c.env.DB);
        const before = await requireJwtKey(db, param(c, "id"), param(c, "jwkId"));
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "jwt_key.delete", target: before.id, before },
          [db.delete(tenantJwtKeys).where(eq(tenantJwtKeys.id, before.id))],
        );
        await forgetTenantKeys(c.env, db, before.tenantId);
        return c.json({ ...before, deleted: true });
      },
    ),
  );
