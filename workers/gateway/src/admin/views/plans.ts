/** What the admin API answers about plans: the rows of `plans`, described from the table itself. */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { plans } from "../../../../../db/schema";

export const PlanView = createSelectSchema(plans, {
  namespaces: z.array(z.enum(["debug", "trace", "txpool"])),
  unscreenedSends: z.array(z.string()),
});

export const PlanList = z.object({ plans: z.array(PlanView) });
