/**
 * @module
 * Operators' admin keys, without I/O: the ADMIN_KEYS binding, a JWKS of public EdDSA (Ed25519) and
 * ES256 (P-256) keys, each named by its `kid` and pinned to its `alg`. Anything else is refused here,
 * at configuration, with a short message that names the key but never echoes its material.
 */
import type { JWK } from "jose";
import { InternalError } from "../../../../../shared/errors/kinds";

/** The algorithms an admin key may be pinned to. */
export type AdminKeyAlg = "EdDSA" | "ES256";

/** One operator's public key, as registered. */
export interface AdminKey {
  kid: string;
  alg: AdminKeyAlg;
  jwk: JWK;
}

/** The key type and curve each algorithm requires, and the public coordinates it must carry. */
const SHAPES: Record<AdminKeyAlg, { kty: string; crv: string; members: string[] }> = {
  EdDSA: { kty: "OKP", crv: "Ed25519", members: ["x"] },
  ES256: { kty: "EC", crv: "P-256", members: ["x", "y"] },
};

/** Members that only a private or symmetric key has. */
const SECRET_MEMBERS = ["d", "k", "p", "q", "dp", "dq", "qi"];

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

/** Checks one JWK (the `index`-th) and returns it as an AdminKey, or throws naming its problem. */
function keyOf(raw: unknown, index: number): AdminKey {
  const where = `keys[${index}]`;
  if (!isObject(raw)) throw configError(`${where} is not a JSON object`);
  const { kid, alg, kty, crv, use } = raw;
  if (typeof kid !== "string" || kid.trim() === "") throw configError(`${where} has no kid`);
  const named = `${where} (kid "${kid}")`;
  if (SECRET_MEMBERS.some((member) => member in raw)) {
    throw configError(`${named} is a private or secret key; list public keys only`);
  }
  if (kty === "RSA" || kty === "oct") throw configError(`${named} has kty ${kty}; use EdDSA or ES256`);
  if (alg === undefined) throw configError(`${named} has no alg; set "EdDSA" or "ES256"`);
  if (alg !== "EdDSA" && alg !== "ES256") {
    throw configError(`${named} has an unsupported alg; use "EdDSA" or "ES256"`);
  }
  const shape = SHAPES[alg];
  if (kty !== shape.kty || crv !== shape.crv) {
    throw configError(`${named}: alg ${alg} needs kty ${shape.kty} and crv ${shape.crv}`);
  }
  if (use !== undefined && use !== "sig") throw configError(`${named} has use other than "sig"`);
  const missing = shape.members.find((member) => typeof raw[member] !== "string" || raw[member] === "");
  if (missing) throw configError(`${named} has no ${missing} coordinate`);
  return { kid, alg, jwk: raw as JWK };
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
