// Mints admin JWTs (HS256) for local use, tests and `rpcgw token` (scripts/lib/token.mjs re-exports
// it). The gateway accepts a token only with its configured issuer and audience (ADMIN_ISSUER,
// ADMIN_AUDIENCE in wrangler.toml), a scope, and at most ADMIN_MAX_TOKEN_SECONDS (default 3600) from
// iat to exp.
import { SignJWT } from "jose";

export const ADMIN_ISSUER = "rpc-gateway-admin";
export const ADMIN_AUDIENCE = "rpc-gateway";
export const ADMIN_MAX_TOKEN_SECONDS = 3600;

/**
 * @param {string} secret
 * @param {{ sub?: string, ttlSeconds?: number, scope?: string, issuer?: string, audience?: string }} [options]
 */
export function adminToken(
  secret,
  {
    sub = "local-admin",
    ttlSeconds = ADMIN_MAX_TOKEN_SECONDS,
    scope = "admin:write",
    issuer = ADMIN_ISSUER,
    audience = ADMIN_AUDIENCE,
  } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

const TTL_UNITS = { s: 1, m: 60, h: 3600 };

/**
 * Seconds of a lifetime written `90`, `90s`, `30m` or `1h`; undefined when it is not one.
 * @param {string} text
 */
export function parseTtl(text) {
  const match = /^(\d+)([smh]?)$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * TTL_UNITS[match[2] || "s"];
  return seconds > 0 ? seconds : undefined;
}
