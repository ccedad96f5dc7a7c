/** /admin/v1/plans: what a tenant may do (batch size, opt-in namespaces). */
import { plans } from "../../../../db/schema";
import { randomId } from "../../../../shared/crypto/hash";
import { dbOf } from "../db";
import { adminApp } from "./app";
import { commitWithAudit } from "./audit";
import { CreatePlan } from "./schemas";
import { validBody } from "./validate";

export const planRoutes = adminApp()
  .get("/", async (c) =>
    c.json({ plans: await dbOf(c.env.DB).select().from(plans).orderBy(plans.createdAt) }),
  )
  .post("/", async (c) => {
    const body = await validBody(c, CreatePlan);
    const plan = { id: randomId("pln"), ...body, createdAt: Date.now() };
    const db = dbOf(c.env.DB);
    await commitWithAudit(
      db,
      { actor: c.get("actor"), action: "plan.create", target: plan.id, after: plan },
      [db.insert(plans).values(plan)],
    );
    return c.json(plan, 201);
  });
