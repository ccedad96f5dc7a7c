/**
 * @module
 * Public signing keys given as JWKs (operators' ADMIN_KEYS, tenants' JWT keys), checked before they
 * are kept: a public key of an allowed algorithm, its type and curve matching that algorithm, with
 * the members it needs, of the right sizes, and nothing secret. Whether an EC point lies on its curve
 * is left to importing it (WebCrypto refuses one that does not). Problems are phrases that never echo
 * key material. Pure.
 */
import { fromBase64Url } from "./hash";

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

/** RSA moduli accepted, in bits: shorter is weak; longer costs CPU on every check. */
const RSA_MODULUS_BITS = { min: 2048, max: 4096 };
/** Bytes of each coordinate of a P-256 or Ed25519 public key. */
const COORDINATE_BYTES = 32;

const quoted = (algs: readonly string[]) => algs.map((alg) => `"${alg}"`).join(" or ");

/** Bits of a big-endian unsigned integer, or 0 when it has a leading zero byte (not minimal). */
function bitLength(bytes: Uint8Array): number {
  const first = bytes[0] ?? 0;
  return first === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(first));
}

function rsaProblem(raw: Record<string, unknown>): string | undefined {
  const n = fromBase64Url(raw.n as string);
  const bits = n ? bitLength(n) : 0;
  if (bits < RSA_MODULUS_BITS.min || bits > RSA_MODULUS_BITS.max)
    return "has an RSA modulus outside 2048 to 4096 bits";
  const e = fromBase64Url(raw.e as string);
  const exponent =
    e && e.length <= 4 && bitLength(e) > 0 ? e.reduce((value, byte) => value * 256 + byte, 0) : 0;
  if (exponent < 3 || exponent % 2 === 0)
    return "has an RSA exponent that is not an odd number of at least 3";
  return undefined;
}

function coordinatesProblem(raw: Record<string, unknown>, members: readonly string[]): string | undefined {
  const bad = members.find((member) => fromBase64Url(raw[member] as string)?.length !== COORDINATE_BYTES);
  return bad && `has a ${bad} coordinate that is not ${COORDINATE_BYTES} bytes`;
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
  return shape.kty === "RSA" ? rsaProblem(raw) : coordinatesProblem(raw, shape.members);
}

/** The members of a checked key that verifying needs (kty, crv, coordinates, alg, kid), nothing else. */
export function publicMembers(raw: Record<string, unknown>): Record<string, string> {
  const shape = SHAPES[raw.alg as JwkAlg];
  const kept = ["kty", "alg", "kid", ...(shape.crv ? ["crv"] : []), ...shape.members];
  return Object.fromEntries(kept.filter((m) => typeof raw[m] === "string").map((m) => [m, raw[m] as string]));
}
