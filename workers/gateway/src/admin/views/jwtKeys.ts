/** What the admin API answers about a tenant's JWT keys: the rows of `tenant_jwt_keys`. */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { tenantJwtKeys } from "../../../../../db/schema";

export const JwtKeyView = createSelectSchema(tenantJwtKeys, {
  /** The public JWK, only the members its key type needs. */
  jwk: z.record(z.string(), z.string()),
});

export const JwtKeyList = z.object({ keys: z.array(JwtKeyView) });

/** The key as it was, now deleted. */
export const DeletedJwtKey = JwtKeyView.extend({ deleted: z.literal(true) });
