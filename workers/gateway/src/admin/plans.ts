/**
 * /admin/v1/plans: what a tenant may do (batch size, opt-in namespaces) and spend (CU per second,
 * burst, monthly CU). A change reaches every location within 60 s.
 */
import { eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { apiKeys, plans, tenants } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { randomId } from "../../../../shared/crypto/hash";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { forgetKeys } from "../../../../shared/keys/resolveKey";
import { param } from "../openapi/op";
import { adminRouter, op } from "./router";
import { CreatePlan, UpdatePlan } from "./schemas";
import {
  CREATE_PLAN_EXAMPLE,
  PLAN_EXAMPLE,
  PLAN_LIST_EXAMPLE,
  PlanList,
  PlanView,
  UPDATE_PLAN_EXAMPLE,
} from "./views/plans";

async function requirePlan(db: Db, id: string) {
  const plan = await db.select().from(plans).where(eq(plans.id, id)).get();
  if (!plan) throw new NotFoundError(`no plan ${id}`);
  return plan;
}

const TAG = "Plans";

export const planRoutes = adminRouter()
  .get(
    "/",
    op(
      {
        summary: "List plans",
        tag: TAG,
        access: "admin:read",
        responses: { 200: { description: "Every plan", schema: PlanList, example: PLAN_LIST_EXAMPLE } },
      },
      async (c) => c.json({ plans: await dbOf(c.env.DB).select().from(plans).orderBy(plans.createdAt) }),
    ),
  )
  .post(
    "/",
    op(
      {
        summary: "Create a plan",
        tag: TAG,
        access: "admin:write",
        body: CreatePlan,
        bodyExample: CREATE_PLAN_EXAMPLE,
        responses: { 201: { description: "The plan made", schema: PlanView, example: PLAN_EXAMPLE } },
      },
      async (c, { body }) => {
        const plan = { id: randomId("pln"), ...body, createdAt: Date.now() };
        const db = dbOf(c.env.DB);
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "plan.create", target: plan.id, after: plan },
          [db.insert(plans).values(plan)],
        );
        return c.json(plan, 201);
      },
    ),
  )
  .get(
    "/:id",
    op(
      {
        summary: "Read a plan",
        tag: TAG,
        access: "admin:read",
        responses: { 200: { description: "The plan", schema: PlanView, example: PLAN_EXAMPLE } },
      },
      async (c) => c.json(await requirePlan(dbOf(c.env.DB), param(c, "id"))),
    ),
  )
  .patch(
    "/:id",
    op(
      {
        summary: "Change a plan",
        description: "Reaches every location within 60 s.",
        tag: TAG,
        access: "admin:write",
        body: UpdatePlan,
        bodyExample: UPDATE_PLAN_EXAMPLE,
        responses: { 200: { description: "The plan as changed", schema: PlanView, example: PLAN_EXAMPLE } },
      },
      async (c, { body: changes }) => {
        const db = dbOf(c.env.DB);
        const before = await requirePlan(db, param(c, "id"));
        const after = { ...before, ...changes };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "plan.update", target: before.id, before, after },
          [db.update(plans).set(changes).where(eq(plans.id, before.id))],
        );
        const keys = await db
          .select({ hash: apiKeys.hash })
          .from(apiKeys)
          .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
          .where(eq(tenants.planId, before.id));
        await forgetKeys(c.env, keys);
        return c.json(after);
      },
    ),
  );
