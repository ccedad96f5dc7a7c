/** /admin/v1/tenants and their keys. A key's plaintext is returned once, at creation; D1 keeps its hash. */
import { eq } from "drizzle-orm";
import { apiKeys, plans, tenants } from "../../../../db/schema";
import { randomId, sha256Hex, toBase64Url } from "../../../../shared/crypto/hash";
import { InvalidBodyError, NotFoundError } from "../../../../shared/errors/kinds";
import { dbOf } from "../db";
import { adminApp } from "./app";
import { commitWithAudit } from "./audit";
import { CreateKey, CreateTenant } from "./schemas";
import { validBody } from "./validate";

const KEY_PREFIX_LENGTH = 12;

/** The fields of a key that any API may show: never the hash, never the plaintext. */
export const publicKeyColumns = {
  id: apiKeys.id,
  tenantId: apiKeys.tenantId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
};

export const tenantRoutes = adminApp()
  .get("/", async (c) =>
    c.json({ tenants: await dbOf(c.env.DB).select().from(tenants).orderBy(tenants.createdAt) }),
  )
  .post("/", async (c) => {
    const body = await validBody(c, CreateTenant);
    const db = dbOf(c.env.DB);
    const plan = await db.select({ id: plans.id }).from(plans).where(eq(plans.id, body.planId)).get();
    if (!plan)
      throw new InvalidBodyError("invalid body: see data.fields", {
        data: { fields: { planId: "no such plan" } },
      });
    const tenant = { id: randomId("tnt"), ...body, status: "active" as const, createdAt: Date.now() };
    await commitWithAudit(
      db,
      { actor: c.get("actor"), action: "tenant.create", target: tenant.id, after: tenant },
      [db.insert(tenants).values(tenant)],
    );
    return c.json(tenant, 201);
  })
  .get("/:id", async (c) => {
    const tenant = await dbOf(c.env.DB)
      .select()
      .from(tenants)
      .where(eq(tenants.id, c.req.param("id")))
      .get();
    if (!tenant) throw new NotFoundError(`no tenant ${c.req.param("id")}`);
    return c.json(tenant);
  })
  .get("/:id/keys", async (c) => {
    const keys = await dbOf(c.env.DB)
      .select(publicKeyColumns)
      .from(apiKeys)
      .where(eq(apiKeys.tenantId, c.req.param("id")))
      .orderBy(apiKeys.createdAt);
    return c.json({ keys });
  })
  .post("/:id/keys", async (c) => {
    const body = await validBody(c, CreateKey);
    const db = dbOf(c.env.DB);
    const tenantId = c.req.param("id");
    const tenant = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).get();
    if (!tenant) throw new NotFoundError(`no tenant ${tenantId}`);
    const plaintext = `rpc_${toBase64Url(crypto.getRandomValues(new Uint8Array(24)))}`;
    const key = {
      id: randomId("key"),
      tenantId,
      name: body.name,
      prefix: plaintext.slice(0, KEY_PREFIX_LENGTH),
      createdAt: Date.now(),
      revokedAt: null,
    };
    await commitWithAudit(db, { actor: c.get("actor"), action: "key.create", target: key.id, after: key }, [
      db.insert(apiKeys).values({ ...key, hash: await sha256Hex(plaintext) }),
    ]);
    return c.json({ ...key, key: plaintext }, 201);
  });
