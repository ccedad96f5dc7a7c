/**
 * @module
 * Verifies a tenant-signed JWT (`Authorization: Bearer <jwt>`, with the API key in the path or
 * `x-api-key`) against the tenant's active keys as the key context carries them: jose checks the
 * signature under the one algorithm the named key is pinned to, `exp`, `nbf` and `iat`; jwtPolicy.ts
 * the rest. A token verified once is remembered until it expires, for as long as the key context it
 * was checked against is the current one: a disabled JWT key ends it within the revocation bound.
 */
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { TtlCache } from "../isolate/ttlCache";
import {
  checkLength,
  claimsOf,
  JWT_CLOCK_TOLERANCE_S,
  keyOfHeader,
  MAX_JWT_LIFETIME_S,
  type TokenClaims,
  tokenExpired,
  tokenRefusal,
} from "./jwtPolicy";
import type { JwtKey, KeyContext } from "./keyContext";

/** Imported keys by the JwtKey object they came from: as long as the key cache holds that object. */
const imported = new WeakMap<JwtKey, Promise<CryptoKey | Uint8Array>>();

/** Tokens verified, by token. Bound: 5,000 of at most REMEMBERED_CHARS each; lifetime: until exp, at most 60 s. */
const verified = new TtlCache<{ against: KeyContext; claims: TokenClaims }>(5_000);
const REMEMBERED_CHARS = 2_048;
const REMEMBER_MS = 60_000;

function cryptoKeyOf(key: JwtKey): Promise<CryptoKey | Uint8Array> {
  let found = imported.get(key);
  if (!found) {
    found = importJWK(key.jwk, key.alg);
    imported.set(key, found);
  }
  return found;
}

/**
 * The narrowing claims of `token`, verified against the tenant keys `context` carries; throws
 * jwt_invalid or jwt_expired (403) saying what is wrong.
 */
export async function verifyTenantJwt(
  context: KeyContext,
  token: string,
  now = Date.now(),
): Promise<TokenClaims> {
  const seen = verified.get(token);
  if (seen && seen.against === context && !tokenExpired(seen.claims, now)) return seen.claims;
  let key: JwtKey | undefined;
  try {
    checkLength(token);
    key = keyOfHeader(decodeProtectedHeader(token) as Record<string, unknown>, context.jwt?.keys ?? []);
    const { payload } = await jwtVerify(token, await cryptoKeyOf(key), {
      algorithms: [key.alg],
      requiredClaims: ["exp", "iat"],
      maxTokenAge: MAX_JWT_LIFETIME_S,
      clockTolerance: JWT_CLOCK_TOLERANCE_S,
      currentDate: new Date(now),
    });
    const claims = claimsOf(payload as Record<string, unknown>, key, context.keyId);
    if (token.length <= REMEMBERED_CHARS) {
      verified.set(token, { against: context, claims }, REMEMBER_MS);
    }
    return claims;
  } catch (err) {
    throw tokenRefusal(err, key);
  }
}
