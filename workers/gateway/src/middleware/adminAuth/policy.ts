/**
 * @module
 * What a verified admin token may do, without I/O: its lifetime, its subject and its scope. The
 * signature, algorithm, issuer, audience and expiry are checked by jose before any of this runs.
 */
import type { JWTPayload } from "jose";
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

const REFUSALS: Record<string, string> = {
  ERR_JWT_EXPIRED: "it has expired",
  ERR_JOSE_ALG_NOT_ALLOWED: "its algorithm is not HS256",
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "its signature does not match the admin secret",
};

/** What was wrong with a token jose refused. */
function reasonOf(err: unknown): string {
  const { code, claim, reason } = (err ?? {}) as { code?: string; claim?: string; reason?: string };
  if (code === "ERR_JWT_EXPIRED" && claim === "iat") return "it was issued too long ago";
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
    return reason === "missing"
      ? `it has no ${claim} claim`
      : `its ${claim} claim is not one this gateway accepts`;
  }
  return (code && REFUSALS[code]) || "it is not a well-formed JWT";
}

/** Why jose refused a token, in words a client can act on (401). */
export function refusalOf(err: unknown): UnauthorizedError {
  return new UnauthorizedError(
    `invalid admin token: ${reasonOf(err)}; it must be an HS256 JWT signed with the admin secret, with the configured iss and aud, a scope, and exp within the maximum lifetime of iat`,
  );
}
