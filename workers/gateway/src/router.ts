/** The HTTP app's Hono type (its bindings and variables), and `op` for the routes it serves itself. */
import type { Env } from "../../../shared/config/env";
import type { RequestIdVariables } from "./middleware/requestId";
import { opFor } from "./openapi/op";

export type AppEnv = { Bindings: Env; Variables: RequestIdVariables };

/** A described public route (./openapi/op.ts); the admin API has its own (./admin/router.ts). */
export const op = opFor<AppEnv>();
