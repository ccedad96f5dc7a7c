// Mints admin JWTs (HS256) for local use and tests.
import { SignJWT } from "jose";

/** @param {string} secret @param {{ sub?: string, ttlSeconds?: number }} [options] */
export function adminToken(secret, { sub = "local-admin", ttlSeconds = 24 * 3600 } = {}) {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
