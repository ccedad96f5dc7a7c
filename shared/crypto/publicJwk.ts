/**
 * @module
 * Public signing keys given as JWKs (operators' ADMIN_KEYS, tenants' JWT keys), checked before they
 * are kept: a public key of an allowed algorithm, its type and curve matching that algorithm, with
 * the members it needs and nothing secret. Problems are phrases that never echo key material. Pure.
 */

/** The signature algorithms a registered key may be pinned to; HMAC and `none` are never among them. */
export type JwkAlg = "RS256" | "ES256" | "EdDSA";

/** The key type (and curve) each algorithm requires, and the public members it must carry. */
const SHAPES: Record<JwkAlg, { kty: string; crv?: string; members: string[] }> = {
  RS256: { kty: "RSA", members: ["n", "e"] },
  ES256: { kty: "EC", crv: "P-256", members: ["x", "y"] },
  EdDSA: { kty: "OKP", crv: "Ed25519", members: ["x"] },
};

/** Members that only a private or symmetric key has. */
const SECRET_MEMBERS = ["d", "k", "p", "q", "dp", "dq", "qi", "oth"];

/** RSA moduli accepted, in bytes: 2048 to 4096 bits (shorter is weak; longer costs CPU on every check). */
const RSA_MODULUS_BYTES = { min: 256, max: 512 };
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const quoted = (algs: readonly string[]) => algs.map((alg) => `"${alg}"`).join(" or ");

/** Bytes a base64url text (no padding) decodes to, or -1 when it is not base64url. */
function decodedLength(text: string): number {
  return BASE64URL.test(text) && text.length % 4 !== 1 ? Math.floor((text.length * 3) / 4) : -1;
}

function rsaProblem(raw: Record<string, unknown>): string | undefined {
  const bytes = decodedLength(raw.n as string);
  if (bytes < RSA_MODULUS_BYTES.min || bytes > RSA_MODULUS_BYTES.max) {
    return "has an RSA modulus outside 2048 to 4096 bits";
  }
  if (decodedLength(raw.e as string) < 1 || (raw.e as string).length > 8)
    return "has an unusual RSA exponent";
  return undefined;
}

/**
 * Why `raw` is not a public key for one of `allowed`, as a phrase to follow the key's name ("has no
 * alg; ..."), or undefined when it is one. Its `alg` is required: a key is pinned to it.
 */
export function publicJwkProblem(
  raw: Record<string, unknown>,
  allowed: readonly JwkAlg[],
): string | undefined {
  const { alg, kty, crv, use } = raw;
  if (SECRET_MEMBERS.some((member) => member in raw))
    return "is a private or secret key; list public keys only";
  const types = new Set(allowed.map((a) => SHAPES[a].kty));
  if (typeof kty !== "string" || !types.has(kty)) return `has kty ${String(kty)}; use ${quoted(allowed)}`;
  if (alg === undefined) return `has no alg; set ${quoted(allowed)}`;
  if (typeof alg !== "string" || !allowed.includes(alg as JwkAlg)) {
    return `has an unsupported alg; use ${quoted(allowed)}`;
  }
  const shape = SHAPES[alg as JwkAlg];
  if (kty !== shape.kty || crv !== shape.crv) {
    return `has alg ${alg}, which needs kty ${shape.kty}${shape.crv ? ` and crv ${shape.crv}` : ""}`;
  }
  if (use !== undefined && use !== "sig") return 'has use other than "sig"';
  const missing = shape.members.find((member) => typeof raw[member] !== "string" || raw[member] === "");
  if (missing) return `has no ${missing} coordinate`;
  return shape.kty === "RSA" ? rsaProblem(raw) : undefined;
}

/** The members of a checked key that verifying needs (kty, crv, coordinates, alg, kid), nothing else. */
export function publicMembers(raw: Record<string, unknown>): Record<string, string> {
  const shape = SHAPES[raw.alg as JwkAlg];
  const kept = ["kty", "alg", "kid", ...(shape.crv ? ["crv"] : []), ...shape.members];
  return Object.fromEntries(kept.filter((m) => typeof raw[m] === "string").map((m) => [m, raw[m] as string]));
}
