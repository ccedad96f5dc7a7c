/** The admin API's Hono type, and the router each group of its routes is built on. */
import { Hono } from "hono";
import type { Env } from "../../../../shared/config/env";
import type { AdminVariables } from "../middleware/adminAuth";
import { opFor } from "../openapi/op";

export type AdminEnv = { Bindings: Env; Variables: AdminVariables };

export const adminRouter = () => new Hono<AdminEnv>();

/** A described admin route (../openapi/op.ts). */
export const op = opFor<AdminEnv>();
