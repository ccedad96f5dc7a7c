/** The admin API's Hono type and the helpers its routes share. */
import { Hono } from "hono";
import type { Env } from "../env";
import type { AdminVariables } from "../middleware/adminAuth";

export type AdminEnv = { Bindings: Env; Variables: AdminVariables };

export const adminApp = () => new Hono<AdminEnv>();
