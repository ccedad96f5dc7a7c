/**
 * @module
 * GET /dashboard and POST /dashboard: a tenant's view of one API key (not built yet: no routes).
 */
import { Hono } from "hono";
import type { Env } from "../../../../shared/config/env";

export const dashboardRoutes = new Hono<{ Bindings: Env }>();
