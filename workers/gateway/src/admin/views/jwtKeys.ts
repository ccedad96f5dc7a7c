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

/** A public P-256 key (example only). */
const JWK = {
  kty: "EC",
  crv: "P-256",
  x: "ESJlOjf0PvI_NNhxaTPArV99GAeHrVi7jxLiJqd3i5U",
  y: "joPcQzwEGqmWbTuBZ2mn-PepyHbq2BBMNano3h9crYY",
  kid: "acme-2026-12",
  alg: "ES256",
};

/** A JWT key as answered (the drift test holds every example to its schema). */
export const JWT_KEY_EXAMPLE = {
  id: "jwk_Rz4pT9mXw1Kc6Nq2",
  tenantId: "tnt_9fQ2xL7mNc4pRw1Z",
  kid: "acme-2026-12",
  alg: "ES256",
  jwk: JWK,
  status: "active",
  createdAt: 1_764_727_200_000,
  disabledAt: null,
};

export const JWT_KEY_LIST_EXAMPLE = { keys: [JWT_KEY_EXAMPLE] };

export const DISABLED_JWT_KEY_EXAMPLE = {
  ...JWT_KEY_EXAMPLE,
  status: "disabled",
  disabledAt: 1_767_225_600_000,
};

export const DELETED_JWT_KEY_EXAMPLE = { ...DISABLED_JWT_KEY_EXAMPLE, deleted: true };

export const CREATE_JWT_KEY_EXAMPLE = { jwk: JWK };

export const UPDATE_JWT_KEY_EXAMPLE = { status: "disabled" };
