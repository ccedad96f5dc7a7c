/**
 * What the admin API answers about tenants: the rows of `tenants`, and a tenant's usage
 * (../../views/usage.ts, shared with GET /v1/usage).
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { tenants } from "../../../../../db/schema";

export const TenantView = createSelectSchema(tenants);

export const TenantList = z.object({ tenants: z.array(TenantView) });

/** A tenant's usage, as GET /v1/usage answers it too. */
export { UsageView } from "../../views/usage";
