/**
 * @module
 * The pages and their static files: /status (public), /assets/<file>. Every response carries the
 * strict Content-Security-Policy (security.ts).
 */
import { Hono } from "hono";
import type { Env } from "../../../../shared/config/env";
import { statusReport } from "../status/statusReport";
import { assetResponse } from "./assets";
import { PAGE_HEADERS } from "./security";
import { StatusPage } from "./statusPage";

export const pageRoutes = new Hono<{ Bindings: Env }>()
  .get("/status", async (c) =>
    c.html(<StatusPage report={await statusReport(c.env)} />, 200, {
      ...PAGE_HEADERS,
      "cache-control": "public, max-age=10",
    }),
  )
  .get("/assets/:file", (c) => assetResponse(c.req.param("file")) ?? c.notFound());
