/**
 * @module
 * What an admin token may do, without I/O: which key verifies it, its lifetime, its subject and its
 * scope. The signature, algorithm, issuer, audience and expiry are checked by jose in between.
 */
import type { JWTPayload } from "jose";
import { LONE_SURROGATE } from "../../../../../shared/audit/wellFormed";
import { ForbiddenError, UnauthorizedError } from "../../../../../shared/errors/kinds";

/** `admin:read` allows GET and HEAD; `admin:write` allows every method (it includes reading). */
export type AdminScope = "admin:read" | "admin:write";

/** Prefixes of the actors the system writes under (cron jobs, API keys); no token may claim them. */
const RESERVED_SUBJECTS = ["cron:", "key:", "admin:", "system:"];

const READ_METHODS = new Set(["GET", "HEAD"]);

/** The scope a request with this HTTP method needs. */
export function scopeNeeded(method: string): AdminScope {
  return READ_METHODS.has(method.toUpperCase()) ? "admin:read" : "admin:write";
}

/** Refuses a token that lives longer than `maxSeconds` from `iat` to `exp` (401). */
export function checkLifetime(payload: JWTPayload, maxSeconds: number): void {
  const { iat, exp } = payload;
  if (typeof iat !== "number" || typeof exp !== "number") {
    throw new UnauthorizedError("invalid admin token: it must carry numeric iat and exp claims");
  }
  if (exp - iat > maxSeconds) {
    throw new UnauthorizedError(
      `invalid admin token: its lifetime (exp - iat) is ${exp - iat} s, over the maximum of ${maxSeconds} s; mint a shorter-lived token`,
    );
  }
}

/** The audit actor for a token's subject: `admin:<sub>`. A reserved or missing subject is refused. */
export function actorOf(payload: JWTPayload): string {
  const sub = payload.sub;
  if (typeof sub !== "string" || sub.trim() === "") {
    throw new UnauthorizedError("invalid admin token: it must carry a non-empty sub claim (who is acting)");
  }
  if (LONE_SURROGATE.test(sub)) {
    throw new UnauthorizedError("invalid admin token: its sub claim is not well-formed Unicode text");
  }
  const reserved = RESERVED_SUBJECTS.find((prefix) => sub.toLowerCase().startsWith(prefix));
  if (reserved) {
    throw new ForbiddenError(
      `admin token subject "${sub}" is reserved: "${reserved}*" names system actors; use a person's or service's own name`,
    );
  }
  return `admin:${sub}`;
}

/** The scopes a token grants: its space-separated `scope` claim. */
function scopesOf(payload: JWTPayload): Set<string> {
  return new Set(typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : []);
}

/** Refuses (403) a request whose method needs a scope the token does not grant. */
export function checkScope(payload: JWTPayload, method: string): void {
  const needed = scopeNeeded(method);
  const granted = scopesOf(payload);
  if (granted.has("admin:write") || granted.has(needed)) return;
  const has = granted.size ? `it grants "${[...granted].join(" ")}"` : "it has no scope claim";
  throw new ForbiddenError(
    `admin token lacks scope "${needed}" needed for ${method.toUpperCase()}: ${has}; mint one with scope "${needed}"`,
  );
}

/** How a token is to be verified: the key, the one algorithm it is pinned to, and who holds it (for messages). */
export interface Verifier<K> {
  key: K;
  alg: string;
  signer: string;
}

/** Header members that carry or point to a key of the token's own choosing; a token with any of them is refused. */
const EMBEDDED_KEY_MEMBERS = ["jwk", "jku", "x5u", "x5c"];

/**
 * The verifier for a token with this protected header: the registered key its `kid` names (and that
 * key's algorithm only), or, without a `kid`, the HS256 secret if one is configured. A token that
 * embeds its own key, names an unregistered `kid`, or has no `kid` where no secret is set gets 401.
 */
export function pickVerifier<K>(
  header: Record<string, unknown>,
  keys: ReadonlyMap<string, Verifier<K>>,
  secret: Verifier<K> | undefined,
): Verifier<K> {
  const embedded = EMBEDDED_KEY_MEMBERS.find((member) => member in header);
  if (embedded) {
    throw new UnauthorizedError(
      `invalid admin token: its header carries "${embedded}"; admin tokens are verified only with keys registered in ADMIN_KEYS`,
    );
  }
  if (header.kid !== undefined) {
    const key = typeof header.kid === "string" ? keys.get(header.kid) : undefined;
    if (!key) {
      throw new UnauthorizedError(
        "invalid admin token: its kid is not a registered admin key (ADMIN_KEYS); the key may have been removed",
      );
    }
    return key;
  }
  if (!secret) {
    throw new UnauthorizedError(
      "invalid admin token: it has no kid; admin tokens must name a registered key (ADMIN_KEYS) by kid",
    );
  }
  return secret;
}

/** What was wrong with a token jose refused, given the verifier it was checked against. */
function reasonOf(err: unknown, verifier?: Verifier<unknown>): string {
  const { code, claim, reason } = (err ?? {}) as { code?: string; claim?: string; reason?: string };
  if (code === "ERR_JWT_EXPIRED") return claim === "iat" ? "it was issued too long ago" : "it has expired";
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
    return reason === "missing"
      ? `it has no ${claim} claim`
      : `its ${claim} claim is not one this gateway accepts`;
  }
  if (verifier && code === "ERR_JOSE_ALG_NOT_ALLOWED") {
    return `its algorithm is not ${verifier.alg}, the one ${verifier.signer} is pinned to`;
  }
  if (verifier && code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") {
    return `its signature does not match ${verifier.signer}`;
  }
  return "it is not a well-formed JWT";
}

/** Why jose refused a token, in words a client can act on (401). */
export function refusalOf(err: unknown, verifier?: Verifier<unknown>): UnauthorizedError {
  return new UnauthorizedError(
    `invalid admin token: ${reasonOf(err, verifier)}; it must be a JWT signed by a registered admin key named by its kid (EdDSA or ES256) or, without a kid, HS256 with the admin secret, with the configured iss and aud, a scope, and exp within the maximum lifetime of iat`,
  );
}
