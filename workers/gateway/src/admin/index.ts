/** The admin API under /admin/v1, behind the admin JWT. */

import type { Env } from "../env";
import { adminAuth } from "../middleware/adminAuth";
import { adminApp } from "./app";
import { chainRoutes } from "./chains";
import { complianceRoutes } from "./compliance";
import { jobRoutes } from "./jobs";
import { keyRoutes } from "./keys";
import { planRoutes } from "./plans";
import { priceFeedRoutes } from "./priceFeeds";
import { sanctionSourceRoutes } from "./sanctionSources";
import { tenantRoutes } from "./tenants";

export const admin = adminApp()
  .use(adminAuth({ secret: (env: Env) => env.ADMIN_JWT_SECRET }))
  .route("/plans", planRoutes)
  .route("/tenants", tenantRoutes)
  .route("/keys", keyRoutes)
  .route("/chains", chainRoutes)
  .route("/jobs", jobRoutes)
  .route("/price-feeds", priceFeedRoutes)
  .route("/sanction-sources", sanctionSourceRoutes)
  .route("/compliance", complianceRoutes);
