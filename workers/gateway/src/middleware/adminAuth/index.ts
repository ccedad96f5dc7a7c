/**
 * @module
 * Admin authentication: a JWT signed with HS256 by the ADMIN_JWT_SECRET Worker secret. The algorithm
 * is pinned (so `alg: none`, HS512 and RS/ES-with-the-secret fail); `iss` and `aud` must be the
 * configured ones (ADMIN_ISSUER, ADMIN_AUDIENCE); `exp` may be at most ADMIN_MAX_TOKEN_SECONDS after
 * `iat`. A bad token gets 401. Its `scope` ("admin:read", "admin:write") decides the methods it may use
 * and its `sub` becomes the audit actor `admin:<sub>`; a missing scope or a system actor's name gets 403.
 */
import type { MiddlewareHandler } from "hono";
import { type JWTPayload, jwtVerify } from "jose";
import type { Env } from "../../../../../shared/config/env";
import { settingsOf } from "../../../../../shared/config/env";
import { InternalError, UnauthorizedError } from "../../../../../shared/errors/kinds";
import { actorOf, checkLifetime, checkScope, refusalOf } from "./policy";

export interface AdminAuthOptions {
  /** Reads the HS256 secret from the bindings. */
  secret: (env: never) => string | undefined;
  /** Allowed clock skew in seconds. Default 30. */
  clockToleranceS?: number;
}

export type AdminVariables = { actor: string };

const MIN_SECRET_BYTES = 32;
const encoder = new TextEncoder();

/** The token's verified claims; any failure of signature, algorithm, iss, aud, exp or lifetime is a 401. */
async function verify(token: string, key: Uint8Array, env: Env, clockTolerance: number): Promise<JWTPayload> {
  const settings = settingsOf(env);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: settings.adminIssuer,
      audience: settings.adminAudience,
      requiredClaims: ["exp", "iat", "sub"],
      maxTokenAge: settings.adminMaxTokenSeconds,
      clockTolerance,
    }));
  } catch (err) {
    throw refusalOf(err);
  }
  checkLifetime(payload, settings.adminMaxTokenSeconds);
  return payload;
}

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
    const payload = await verify(token, key, c.env as Env, clockTolerance);
    const actor = actorOf(payload);
    checkScope(payload, c.req.method);
    c.set("actor", actor);
    await next();
  };
}
