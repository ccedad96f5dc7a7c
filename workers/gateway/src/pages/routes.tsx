/**
 * @module
 * The pages and their static files: /status (public), /console (the operator console: its data comes
 * from the admin API), /dashboard (a tenant's key), /assets/<file>. Every response carries the
 * strict Content-Security-Policy (security.ts).
 */
import { Hono } from "hono";
import type { Env } from "../../../../shared/config/env";
import { statusReport } from "../status/statusReport";
import { assetResponse } from "./assets";
import { ConsolePage } from "./consolePage";
import { dashboardRoutes } from "./dashboardRoutes";
import { PAGE_HEADERS } from "./security";
import { StatusPage } from "./statusPage";

export const pageRoutes = new Hono<{ Bindings: Env }>()
  .get("/status", async (c) =>
    c.html(<StatusPage report={await statusReport(c.env)} />, 200, {
      ...PAGE_HEADERS,
      "cache-control": "public, max-age=10",
    }),
  )
  .route("/dashboard", dashboardRoutes)
  .get("/console", (c) => c.html(<ConsolePage />, 200, { ...PAGE_HEADERS, "cache-control": "no-store" }))
  .get("/assets/:file", (c) => assetResponse(c.req.param("file")) ?? c.notFound())
  .get("/assets/console/:file", (c) => assetResponse(`console/${c.req.param("file")}`) ?? c.notFound());
