/**
 * @module
 * Admin authentication: a JWT signed with HS256 by the ADMIN_JWT_SECRET Worker secret. The algorithm
 * is pinned (so `alg: none` and RS/HS confusion fail) and `exp` is required. The token's `sub`
 * becomes the actor in the audit log.
 */
import type { MiddlewareHandler } from "hono";
import { jwtVerify } from "jose";
import { InternalError, UnauthorizedError } from "../../../../../shared/errors/kinds";

export interface AdminAuthOptions {
  /** Reads the HS256 secret from the bindings. */
  secret: (env: never) => string | undefined;
  /** Allowed clock skew in seconds. Default 30. */
  clockToleranceS?: number;
}

export type AdminVariables = { actor: string };

const MIN_SECRET_BYTES = 32;
const encoder = new TextEncoder();

export function adminAuth(options: AdminAuthOptions): MiddlewareHandler<{ Variables: AdminVariables }> {
  const clockTolerance = options.clockToleranceS ?? 30;
  const keys = new Map<string, Uint8Array>();

  return async function adminAuthMiddleware(c, next) {
    const secret = options.secret(c.env as never);
    if (!secret || encoder.encode(secret).length < MIN_SECRET_BYTES) {
      throw new InternalError("admin API is not configured: set ADMIN_JWT_SECRET (at least 32 bytes)");
    }
    let key = keys.get(secret);
    if (!key) {
      key = encoder.encode(secret);
      keys.set(secret, key);
    }
    const header = c.req.header("authorization") ?? "";
    const token = /^bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new UnauthorizedError("missing admin token: send Authorization: Bearer <JWT>");
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ["HS256"],
        requiredClaims: ["exp"],
        clockTolerance,
      });
      c.set("actor", typeof payload.sub === "string" && payload.sub ? payload.sub : "admin");
    } catch {
      throw new UnauthorizedError(
        "invalid admin token: it must be an unexpired HS256 JWT signed with the admin secret",
      );
    }
    await next();
  };
}
