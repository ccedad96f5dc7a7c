/**
 * @module
 * Operators' admin keys, without I/O: the ADMIN_KEYS binding, a JWKS of public EdDSA (Ed25519) and
 * ES256 (P-256) keys, each named by its `kid` and pinned to its `alg`. Anything else is refused here,
 * at configuration, with a short message that names the key but never echoes its material.
 */
import type { JWK } from "jose";
import { publicJwkProblem } from "../../../../../shared/crypto/publicJwk";
import { InternalError } from "../../../../../shared/errors/kinds";

/** The algorithms an admin key may be pinned to. */
export type AdminKeyAlg = "EdDSA" | "ES256";

/** One operator's public key, as registered. */
export interface AdminKey {
  kid: string;
  alg: AdminKeyAlg;
  jwk: JWK;
}

function configError(problem: string): InternalError {
  return new InternalError(`ADMIN_KEYS is not valid: ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JWKS's `keys` array, or why the text is not a JWKS. */
function keysArrayOf(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw configError('it is not JSON; expected {"keys":[...]}');
  }
  if (!isObject(parsed) || !Array.isArray(parsed.keys)) {
    throw configError('expected a JWKS object {"keys":[...]}');
  }
  return parsed.keys;
}

const ADMIN_ALGS: AdminKeyAlg[] = ["EdDSA", "ES256"];

/** Checks one JWK (the `index`-th) and returns it as an AdminKey, or throws naming its problem. */
function keyOf(raw: unknown, index: number): AdminKey {
  const where = `keys[${index}]`;
  if (!isObject(raw)) throw configError(`${where} is not a JSON object`);
  const { kid } = raw;
  if (typeof kid !== "string" || kid.trim() === "") throw configError(`${where} has no kid`);
  const problem = publicJwkProblem(raw, ADMIN_ALGS);
  if (problem) throw configError(`${where} (kid "${kid}") ${problem}`);
  return { kid, alg: raw.alg as AdminKeyAlg, jwk: raw as JWK };
}

/**
 * Parses ADMIN_KEYS into its keys by `kid`. Throws an InternalError (500) naming the first problem:
 * not a JWKS, a key without kid or alg, an alg other than EdDSA/ES256, an RSA or oct key, a private
 * key, a curve that does not match the alg, or a kid listed twice.
 */
export function parseAdminKeys(text: string): Map<string, AdminKey> {
  const keys = new Map<string, AdminKey>();
  keysArrayOf(text).forEach((raw, index) => {
    const key = keyOf(raw, index);
    if (keys.has(key.kid)) throw configError(`kid "${key.kid}" is listed more than once`);
    keys.set(key.kid, key);
  });
  return keys;
}
