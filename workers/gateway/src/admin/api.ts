/** The admin API under /admin/v1, behind the admin JWT. */

import type { Env } from "../../../../shared/config/env";
import { adminAuth } from "../middleware/adminAuth";
import { auditRoutes } from "./audit";
import { chainRoutes } from "./chains";
import { complianceRoutes } from "./compliance";
import { jobRoutes } from "./jobs";
import { jwtKeyRoutes } from "./jwtKeys";
import { keyRoutes } from "./keys";
import { metricsRoutes } from "./metrics";
import { planRoutes } from "./plans";
import { priceFeedRoutes } from "./priceFeeds";
import { adminRouter } from "./router";
import { sanctionSourceRoutes } from "./sanctionSources";
import { sanctionsPendingRoutes } from "./sanctionsPending";
import { tenantRoutes } from "./tenants";
import { upstreamRoutes } from "./upstreamsReseal";

export const admin = adminRouter()
  .use(adminAuth({ secret: (env: Env) => env.ADMIN_JWT_SECRET }))
  .route("/plans", planRoutes)
  .route("/tenants/:id/jwt-keys", jwtKeyRoutes)
  .route("/tenants", tenantRoutes)
  .route("/keys", keyRoutes)
  .route("/chains", chainRoutes)
  .route("/upstreams", upstreamRoutes)
  .route("/jobs", jobRoutes)
  .route("/price-feeds", priceFeedRoutes)
  .route("/sanction-sources", sanctionSourceRoutes)
  .route("/sanctions", sanctionsPendingRoutes)
  .route("/compliance", complianceRoutes)
  .route("/audit", auditRoutes)
  .route("/metrics", metricsRoutes);
