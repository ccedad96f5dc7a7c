/**
 * /admin/v1/tenants and their keys. A key's plaintext and its secret are returned once, at creation;
 * D1 keeps their hashes.
 */
import { eq, sql } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { apiKeys, plans, tenants } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { randomId, sha256Hex, toBase64Url } from "../../../../shared/crypto/hash";
import { InvalidBodyError, NotFoundError } from "../../../../shared/errors/kinds";
import { newApiKey } from "../../../../shared/keys/keyFormat";
import { type KeyRules, normalizeRules, problemsOf } from "../../../../shared/keys/keyRules";
import { forgetKeys } from "../../../../shared/keys/resolveKey";
import { usageView } from "../../../../shared/metering/usageView";
import { param } from "../openapi/op";
import { USAGE_EXAMPLE } from "../views/usage";
import { adminRouter, op } from "./router";
import { CreateKey, CreateTenant, UpdateTenant, UsageQuery } from "./schemas";
import { CREATE_KEY_EXAMPLE, KEY_LIST_EXAMPLE, KeyList, NEW_KEY_EXAMPLE, NewKey } from "./views/keys";
import {
  CREATE_TENANT_EXAMPLE,
  TENANT_EXAMPLE,
  TENANT_LIST_EXAMPLE,
  TenantList,
  TenantView,
  UPDATE_TENANT_EXAMPLE,
  UsageView,
} from "./views/tenants";

const KEY_PREFIX_LENGTH = 12;
/** A key secret: this prefix, then 32 random bytes in base64url (43 characters). */
export const KEY_SECRET_PREFIX = "rpcsk_";

/** A fresh key secret, and the SHA-256 (hex) that D1 keeps of it. */
export async function newKeySecret(): Promise<{ secret: string; secretHash: string }> {
  const secret = `${KEY_SECRET_PREFIX}${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
  return { secret, secretHash: await sha256Hex(secret) };
}

/** The fields of a key that any API may show: never the hashes, never the plaintext or the secret. */
export const publicKeyColumns = {
  id: apiKeys.id,
  tenantId: apiKeys.tenantId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
  cuPerSecond: apiKeys.cuPerSecond,
  allowedOrigins: apiKeys.allowedOrigins,
  allowedIps: apiKeys.allowedIps,
  allowedMethods: apiKeys.allowedMethods,
  allowedContracts: apiKeys.allowedContracts,
  allowedChains: apiKeys.allowedChains,
  requireJwt: apiKeys.requireJwt,
  /** Keys made before key secrets have none until POST /keys/:id/secret. */
  hasSecret: sql<boolean>`${apiKeys.secretHash} is not null`.mapWith(Boolean),
};

const RULE_FIELDS = [
  "allowedOrigins",
  "allowedIps",
  "allowedMethods",
  "allowedContracts",
  "allowedChains",
] as const;
type RuleLists = { [F in (typeof RULE_FIELDS)[number]]?: string[] | null };

/**
 * The body with its allowlists normalised (normalizeRules), nulls kept. When problemsOf finds fault,
 * a 400 whose data.fields names each bad entry (`allowedIps[1]`) or list, as validate.ts does.
 */
export function checkedRules<T extends RuleLists>(body: T): T {
  const given = RULE_FIELDS.filter((field) => body[field]);
  const rules = Object.fromEntries(given.map((field) => [field, body[field]])) as KeyRules;
  const problems = problemsOf(rules);
  if (problems.length > 0) {
    const fields: Record<string, string> = {};
    for (const problem of problems) {
      // Each reads `allowedIps[2]: not an IP address or CIDR, ...` (keyRules.ts).
      const at = problem.indexOf(": ");
      fields[at > 0 ? problem.slice(0, at) : "(body)"] = at > 0 ? problem.slice(at + 2) : problem;
    }
    throw new InvalidBodyError("invalid body: see data.fields", { data: { fields } });
  }
  const normal = normalizeRules(rules);
  return { ...body, ...Object.fromEntries(given.map((field) => [field, normal[field] ?? null])) };
}

/** A new key's lists: each as given (checked, normalised), or null. */
const listsOf = (body: RuleLists) =>
  Object.fromEntries(RULE_FIELDS.map((f) => [f, body[f] ?? null])) as Record<
    keyof RuleLists,
    string[] | null
  >;

export async function requireTenant(db: Db, id: string) {
  const tenant = await db.select().from(tenants).where(eq(tenants.id, id)).get();
  if (!tenant) throw new NotFoundError(`no tenant ${id}`);
  return tenant;
}

/** A body's planId must name a plan: 400 naming the field otherwise (a route's missing plan is a 404, plans.ts). */
async function checkPlanField(db: Db, id: string) {
  const plan = await db.select({ id: plans.id }).from(plans).where(eq(plans.id, id)).get();
  if (!plan)
    throw new InvalidBodyError("invalid body: see data.fields", {
      data: { fields: { planId: "no such plan" } },
    });
}

const TAG = "Tenants";
const KEYS_TAG = "Keys";

export const tenantRoutes = adminRouter()
  .get(
    "/",
    op(
      {
        summary: "List tenants",
        tag: TAG,
        access: "admin:read",
        responses: { 200: { description: "Every tenant", schema: TenantList, example: TENANT_LIST_EXAMPLE } },
      },
      async (c) =>
        c.json({ tenants: await dbOf(c.env.DB).select().from(tenants).orderBy(tenants.createdAt) }),
    ),
  )
  .post(
    "/",
    op(
      {
        summary: "Create a tenant",
        description: "Active at once, on the plan its planId names (400 if there is none).",
        tag: TAG,
        access: "admin:write",
        body: CreateTenant,
        bodyExample: CREATE_TENANT_EXAMPLE,
        responses: { 201: { description: "The tenant made", schema: TenantView, example: TENANT_EXAMPLE } },
      },
      async (c, { body }) => {
        const db = dbOf(c.env.DB);
        await checkPlanField(db, body.planId);
        const tenant = { id: randomId("tnt"), ...body, status: "active" as const, createdAt: Date.now() };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "tenant.create", target: tenant.id, after: tenant },
          [db.insert(tenants).values(tenant)],
        );
        return c.json(tenant, 201);
      },
    ),
  )
  .get(
    "/:id",
    op(
      {
        summary: "Read a tenant",
        tag: TAG,
        access: "admin:read",
        responses: { 200: { description: "The tenant", schema: TenantView, example: TENANT_EXAMPLE } },
      },
      async (c) => c.json(await requireTenant(dbOf(c.env.DB), param(c, "id"))),
    ),
  )
  .patch(
    "/:id",
    op(
      {
        summary: "Change a tenant",
        description:
          "Its name, plan, or status (a suspended tenant's keys are refused). Reaches every location within 60 s.",
        tag: TAG,
        access: "admin:write",
        body: UpdateTenant,
        bodyExample: UPDATE_TENANT_EXAMPLE,
        responses: {
          200: { description: "The tenant as changed", schema: TenantView, example: TENANT_EXAMPLE },
        },
      },
      async (c, { body: changes }) => {
        const db = dbOf(c.env.DB);
        const before = await requireTenant(db, param(c, "id"));
        if (changes.planId) await checkPlanField(db, changes.planId);
        const after = { ...before, ...changes };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "tenant.update", target: before.id, before, after },
          [db.update(tenants).set(changes).where(eq(tenants.id, before.id))],
        );
        await forgetKeys(
          c.env,
          await db.select({ hash: apiKeys.hash }).from(apiKeys).where(eq(apiKeys.tenantId, before.id)),
        );
        return c.json(after);
      },
    ),
  )
  .get(
    "/:id/usage",
    op(
      {
        summary: "Read a tenant's usage",
        description:
          "Calls, CU and errors per UTC day, key, chain and method family, from `from` to `to` inclusive (this month so far by default), with the month's CU against the plan's quota. Calls of the last second or so may not be counted yet.",
        tag: TAG,
        access: "admin:read",
        query: UsageQuery,
        responses: { 200: { description: "The tenant's usage", schema: UsageView, example: USAGE_EXAMPLE } },
      },
      async (c, { query }) => {
        const db = dbOf(c.env.DB);
        const tenant = await requireTenant(db, param(c, "id"));
        const plan = await db
          .select({ monthlyCu: plans.monthlyCu })
          .from(plans)
          .where(eq(plans.id, tenant.planId))
          .get();
        return c.json(
          await usageView({ env: c.env, tenantId: tenant.id, monthlyCu: plan?.monthlyCu ?? 0, ...query }),
        );
      },
    ),
  )
  .get(
    "/:id/keys",
    op(
      {
        summary: "List a tenant's API keys",
        description: "Revoked keys too; never a key's plaintext, secret or hashes.",
        tag: KEYS_TAG,
        access: "admin:read",
        responses: {
          200: { description: "The tenant's keys, oldest first", schema: KeyList, example: KEY_LIST_EXAMPLE },
        },
      },
      async (c) => {
        const keys = await dbOf(c.env.DB)
          .select(publicKeyColumns)
          .from(apiKeys)
          .where(eq(apiKeys.tenantId, param(c, "id")))
          .orderBy(apiKeys.createdAt);
        return c.json({ keys });
      },
    ),
  )
  .post(
    "/:id/keys",
    op(
      {
        summary: "Create an API key",
        description:
          "With its CU cap and allowlists. The key's plaintext and its secret are in this answer only: D1 keeps their hashes.",
        tag: KEYS_TAG,
        access: "admin:write",
        body: CreateKey,
        bodyExample: CREATE_KEY_EXAMPLE,
        responses: {
          201: {
            description: "The key made, with its plaintext and secret (shown once)",
            schema: NewKey,
            example: NEW_KEY_EXAMPLE,
          },
        },
      },
      async (c, { body: given }) => {
        const body = checkedRules(given);
        const db = dbOf(c.env.DB);
        const tenantId = param(c, "id");
        await requireTenant(db, tenantId);
        const plaintext = newApiKey();
        const hash = await sha256Hex(plaintext);
        const { secret, secretHash } = await newKeySecret();
        const key = {
          id: randomId("key"),
          tenantId,
          name: body.name,
          cuPerSecond: body.cuPerSecond,
          requireJwt: body.requireJwt,
          prefix: plaintext.slice(0, KEY_PREFIX_LENGTH),
          createdAt: Date.now(),
          revokedAt: null,
          ...listsOf(body),
        };
        await commitWithAudit(
          c.env,
          {
            actor: c.get("actor"),
            action: "key.create",
            target: key.id,
            after: { ...key, hasSecret: true, secretChanged: true },
          },
          [db.insert(apiKeys).values({ ...key, hash, secretHash })],
        );
        // A miss remembered for this hash (someone tried the key before it existed) must not refuse it.
        await forgetKeys(c.env, [{ hash }]);
        return c.json({ ...key, hasSecret: true, key: plaintext, secret }, 201);
      },
    ),
  );
