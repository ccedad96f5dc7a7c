/**
 * @module
 * Admin authentication: a JWT signed either by an operator's registered key (ADMIN_KEYS, a JWKS of
 * EdDSA and ES256 public keys, one per operator) that its header names by `kid`, or, without a `kid`,
 * with HS256 by the ADMIN_JWT_SECRET Worker secret (kept for local development). Each key is pinned
 * to its own algorithm and the secret to HS256 (so `alg: none`, HMAC with a key's `kid`, and keys
 * embedded in the header fail); an unregistered (or removed) `kid` fails. `iss` and `aud` must be the
 * configured ones (ADMIN_ISSUER, ADMIN_AUDIENCE); `exp` may be at most ADMIN_MAX_TOKEN_SECONDS after
 * `iat`. A bad token gets 401. Its `scope` ("admin:read", "admin:write") decides the methods it may use
 * and its `sub` becomes the audit actor `admin:<sub>`; a missing scope or a system actor's name gets 403.
 */
import type { MiddlewareHandler } from "hono";
import { decodeProtectedHeader, importJWK, type JWTPayload, jwtVerify } from "jose";
import type { Env } from "../../../../../shared/config/env";
import { settingsOf } from "../../../../../shared/config/env";
import { InternalError, UnauthorizedError } from "../../../../../shared/errors/kinds";
import { parseAdminKeys } from "./keys";
import { actorOf, checkLifetime, checkScope, pickVerifier, refusalOf, type Verifier } from "./policy";

export interface AdminAuthOptions {
  /** Reads the HS256 secret from the bindings. */
  secret: (env: never) => string | undefined;
  /** Reads the operators' public keys (a JWKS) from the bindings. Default: the ADMIN_KEYS binding. */
  keys?: (env: never) => string | undefined;
  /** Allowed clock skew in seconds. Default 30. */
  clockToleranceS?: number;
}

export type AdminVariables = { actor: string };

type AdminKeyMaterial = CryptoKey | Uint8Array;
type KeySet = ReadonlyMap<string, Verifier<AdminKeyMaterial>>;

const MIN_SECRET_BYTES = 32;
const encoder = new TextEncoder();
const NO_KEYS: KeySet = new Map();

/** ADMIN_KEYS parsed and imported as verification keys; a key WebCrypto cannot import is a configuration error. */
async function importKeySet(text: string): Promise<KeySet> {
  const verifiers = new Map<string, Verifier<AdminKeyMaterial>>();
  for (const { kid, alg, jwk } of parseAdminKeys(text).values()) {
    let key: AdminKeyMaterial;
    try {
      key = await importJWK(jwk, alg);
    } catch {
      throw new InternalError(`ADMIN_KEYS is not valid: kid "${kid}" is not a usable ${alg} public key`);
    }
    verifiers.set(kid, { key, alg, signer: `the registered key "${kid}"` });
  }
  return verifiers;
}

/** The token's verified claims; any failure of signature, algorithm, iss, aud, exp or lifetime is a 401. */
async function verify(
  token: string,
  verifier: Verifier<AdminKeyMaterial>,
  env: Env,
  clockTolerance: number,
): Promise<JWTPayload> {
  const settings = settingsOf(env);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, verifier.key, {
      algorithms: [verifier.alg],
      issuer: settings.adminIssuer,
      audience: settings.adminAudience,
      requiredClaims: ["exp", "iat", "sub"],
      maxTokenAge: settings.adminMaxTokenSeconds,
      clockTolerance,
    }));
  } catch (err) {
    throw refusalOf(err, verifier);
  }
  checkLifetime(payload, settings.adminMaxTokenSeconds);
  return payload;
}

/** The token's protected header, or 401 if it is not a JWS at all. */
function headerOf(token: string): Record<string, unknown> {
  try {
    return decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (err) {
    throw refusalOf(err);
  }
}

export function adminAuth(options: AdminAuthOptions): MiddlewareHandler<{ Variables: AdminVariables }> {
  const clockTolerance = options.clockToleranceS ?? 30;
  const readKeys = options.keys ?? ((env: Env) => env.ADMIN_KEYS);
  const secrets = new Map<string, Verifier<AdminKeyMaterial>>();
  const keySets = new Map<string, Promise<KeySet>>();

  /** The HS256 verifier for this secret (once per distinct value), or undefined when none is set. */
  function secretVerifier(secret: string | undefined): Verifier<AdminKeyMaterial> | undefined {
    if (!secret) return undefined;
    let verifier = secrets.get(secret);
    if (!verifier) {
      const key = encoder.encode(secret);
      if (key.length < MIN_SECRET_BYTES) {
        throw new InternalError("admin API is misconfigured: ADMIN_JWT_SECRET must be at least 32 bytes");
      }
      verifier = { key, alg: "HS256", signer: "the admin secret" };
      secrets.set(secret, verifier);
    }
    return verifier;
  }

  /** The registered keys (parsed and imported once per distinct ADMIN_KEYS value). */
  function keySet(text: string | undefined): Promise<KeySet> {
    if (!text?.trim()) return Promise.resolve(NO_KEYS);
    let set = keySets.get(text);
    if (!set) {
      set = importKeySet(text);
      keySets.set(text, set);
    }
    return set;
  }

  return async function adminAuthMiddleware(c, next) {
    const keysText = readKeys(c.env as never);
    const secret = secretVerifier(options.secret(c.env as never));
    if (!secret && !keysText?.trim()) {
      throw new InternalError(
        "admin API is not configured: set ADMIN_KEYS (operators' public keys) or ADMIN_JWT_SECRET (at least 32 bytes)",
      );
    }
    const keys = await keySet(keysText);
    const header = c.req.header("authorization") ?? "";
    const token = /^bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new UnauthorizedError("missing admin token: send Authorization: Bearer <JWT>");
    const verifier = pickVerifier(headerOf(token), keys, secret);
    const payload = await verify(token, verifier, c.env as Env, clockTolerance);
    const actor = actorOf(payload);
    checkScope(payload, c.req.method);
    c.set("actor", actor);
    await next();
  };
}
