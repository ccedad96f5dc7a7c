/** The admin API's Hono type, and the router each group of its routes is built on. */
import { Hono } from "hono";
import type { Env } from "../../../../shared/config/env";
import type { AdminVariables } from "../middleware/adminAuth";

export type AdminEnv = { Bindings: Env; Variables: AdminVariables };

export const adminRouter = () => new Hono<AdminEnv>();
