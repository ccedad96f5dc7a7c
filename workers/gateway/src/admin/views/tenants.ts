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

/** A tenant as answered (the drift test holds every example to its schema). */
export const TENANT_EXAMPLE = {
  id: "tnt_9fQ2xL7mNc4pRw1Z",
  name: "Acme Wallet",
  planId: "pln_3Hk2sQ9vLm0xTa7R",
  status: "active",
  createdAt: 1_764_720_000_000,
};

export const TENANT_LIST_EXAMPLE = { tenants: [TENANT_EXAMPLE] };

export const CREATE_TENANT_EXAMPLE = { name: "Acme Wallet", planId: "pln_3Hk2sQ9vLm0xTa7R" };

export const UPDATE_TENANT_EXAMPLE = { status: "suspended" };
