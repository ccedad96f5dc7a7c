/**
 * @module
 * Tenant-signed JWTs as a policy, without I/O: which of the tenant's keys a token names, how long it
 * may live, what its claims narrow (chains, methods, contracts, cuPerSecond: never widen), and why a
 * token jose refused is refused, in words a client can act on. The signature check is tenantJwt.ts's.
 * Pure.
 */
import type { GatewayError } from "../errors/base";
import { JwtExpiredError, JwtInvalidError, JwtRequiredError } from "../errors/kinds";
import type { KeyLimits } from "../metering/limits";
import type { JwtKey } from "./keyContext";
import { type CompiledRules, compileRules, type KeyRules, MAX_RULE_ENTRIES, problemsOf } from "./keyRules";

/** Longest a token may live, `iat` to `exp`. */
export const MAX_JWT_LIFETIME_S = 24 * 3600;
/** Seconds of clock difference between the tenant's signer and the gateway that are forgiven. */
export const JWT_CLOCK_TOLERANCE_S = 30;
/** Longest token read (room for lists of 200 addresses); longer ones are refused before any parsing. */
export const MAX_JWT_CHARS = 16_384;

/**
 * The JWT of `Authorization: Bearer <jwt>`, or null. API keys have no dots; a value with any is taken
 * as a JWT, so a malformed or unsigned one (`alg: none`) is refused, never ignored.
 */
export function bearerJwt(headers: Headers): string | null {
  const auth = headers.get("authorization");
  if (!auth || !/^bearer\s+/i.test(auth)) return null;
  const value = auth.replace(/^bearer\s+/i, "").trim();
  return value.includes(".") ? value : null;
}

/** What a verified token narrows, beyond the key's own rules and limits. */
export interface TokenClaims {
  /** The signing key (its row id), and the token's expiry (s): an open socket closes when either lapses. */
  signer: string;
  exp: number;
  /** The token's lists, as a key's: ANDed with the key's own. */
  rules?: KeyRules;
  /** A cap below the key's, spent from one bucket per key and `sub`. */
  cuPerSecond?: number;
  sub?: string;
}

/** The refusal of a request without a JWT to a key that requires one. */
export function jwtRequired(): JwtRequiredError {
  return new JwtRequiredError(
    "this key requires a JWT signed by one of its tenant's keys: send it as Authorization: Bearer <jwt>, with the API key in the URL or x-api-key",
  );
}

function invalid(reason: string): JwtInvalidError {
  return new JwtInvalidError(
    `invalid JWT: ${reason}; it must be signed by one of this tenant's active JWT keys (RS256, ES256 or EdDSA), name it by kid, and carry iat and exp at most 24 h apart`,
  );
}

/** Header members that carry or point to a key of the token's own choosing. */
const EMBEDDED_KEY_MEMBERS = ["jwk", "jku", "x5u", "x5c"];

/** Refuses a token too long to read. */
export function checkLength(token: string): void {
  if (token.length > MAX_JWT_CHARS)
    throw invalid(`it is ${token.length} characters long, over the limit of ${MAX_JWT_CHARS}`);
}

/** The active key a token's protected header names by `kid`; a token that embeds a key, or names none, is refused. */
export function keyOfHeader(header: Record<string, unknown>, keys: readonly JwtKey[]): JwtKey {
  const embedded = EMBEDDED_KEY_MEMBERS.find((member) => member in header);
  if (embedded)
    throw invalid(`its header carries "${embedded}", and only keys the tenant registered verify tokens`);
  if (typeof header.kid !== "string" || header.kid === "") throw invalid("its header has no kid");
  const key = keys.find((k) => k.kid === header.kid);
  if (!key)
    throw invalid("its kid is not an active JWT key of this key's tenant (it may have been disabled)");
  return key;
}

/** Claim name -> the key list it narrows. */
const LIST_CLAIMS = {
  chains: "allowedChains",
  methods: "allowedMethods",
  contracts: "allowedContracts",
} as const satisfies Record<string, keyof KeyRules>;

function listClaim(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string")) {
    throw invalid(`its ${name} claim is not a list of strings`);
  }
  if (value.length === 0)
    throw invalid(`its ${name} claim is empty, which would allow nothing; leave it out instead`);
  if (value.length > MAX_RULE_ENTRIES)
    throw invalid(`its ${name} claim has over ${MAX_RULE_ENTRIES} entries`);
  return value;
}

/** The token's lists as rules, each checked as a key's list is; undefined when it has none. */
function rulesOf(payload: Record<string, unknown>): KeyRules | undefined {
  const rules: KeyRules = {};
  for (const [claim, kind] of Object.entries(LIST_CLAIMS)) {
    if (payload[claim] !== undefined) rules[kind] = listClaim(claim, payload[claim]);
  }
  const [problem] = problemsOf(rules);
  if (problem) {
    // problemsOf names the list (`allowedChains[1]: not a chain slug: ...`): say the claim's name instead.
    const claim = Object.entries(LIST_CLAIMS).find(([, kind]) => problem.startsWith(kind))?.[0];
    throw invalid(`its ${claim} claim has an entry that is ${problem.slice(problem.indexOf(": ") + 2)}`);
  }
  return Object.keys(rules).length > 0 ? rules : undefined;
}

/**
 * The narrowing claims of a payload jose verified (signature, exp, nbf, iat), after the checks
 * jose does not make: `exp` at most 24 h after `iat`, the claims' shapes, and `aud`, which, when
 * present, must name the API key's id (`key_...`): a token without it serves any of the tenant's keys.
 */
export function claimsOf(payload: Record<string, unknown>, signer: JwtKey, keyId: string): TokenClaims {
  const { iat, exp, sub, cuPerSecond, aud } = payload;
  if (aud !== undefined && !(aud === keyId || (Array.isArray(aud) && aud.includes(keyId)))) {
    throw invalid(
      `its aud claim does not name this API key (${keyId}); leave aud out, or list the key's id in it`,
    );
  }
  if (typeof iat !== "number" || typeof exp !== "number") throw invalid("it has no numeric iat and exp");
  if (exp - iat > MAX_JWT_LIFETIME_S) {
    throw invalid(`its lifetime (exp - iat) is ${exp - iat} s, over the maximum of ${MAX_JWT_LIFETIME_S} s`);
  }
  if (sub !== undefined && (typeof sub !== "string" || sub.length > 200))
    throw invalid("its sub claim is not a short string");
  if (cuPerSecond !== undefined && !(Number.isSafeInteger(cuPerSecond) && (cuPerSecond as number) >= 1)) {
    throw invalid("its cuPerSecond claim is not a whole number of at least 1");
  }
  const rules = rulesOf(payload);
  return {
    signer: signer.id,
    exp,
    ...(rules && { rules }),
    ...(cuPerSecond !== undefined && { cuPerSecond: cuPerSecond as number }),
    ...(sub !== undefined && { sub: sub as string }),
  };
}

/** The refusal for a token jose refused, checked against `key` (undefined: it did not get that far). */
export function tokenRefusal(err: unknown, key?: JwtKey): JwtInvalidError | JwtExpiredError {
  if (err instanceof JwtInvalidError) return err;
  const { code, claim } = (err ?? {}) as { code?: string; claim?: string };
  if (code === "ERR_JWT_EXPIRED" && claim === "exp") {
    return new JwtExpiredError("the JWT has expired: sign a new one (exp at most 24 h after iat)");
  }
  if (code === "ERR_JWT_EXPIRED") return invalid("it was issued over 24 h ago");
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
    if (claim === "nbf") return invalid("it is not valid yet (nbf is in the future)");
    if (claim === "iat") return invalid("its iat is in the future");
    return invalid(`its ${claim} claim is missing or not a number`);
  }
  if (key && code === "ERR_JOSE_ALG_NOT_ALLOWED")
    return invalid(`its alg is not ${key.alg}, the one key ${key.kid} is pinned to`);
  if (key && code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED")
    return invalid(`its signature does not match key ${key.kid}`);
  return invalid("it is not a well-formed JWT");
}

/** A token's lists ANDed with the rules they narrowed, by the token's claims: built once, not per request. */
const narrowedRules = new WeakMap<TokenClaims, { from: CompiledRules | undefined; rules: CompiledRules }>();

/**
 * The rules a request with this verified token is held to: the token's lists ANDed with `rules` (the
 * key's, or none when the key secret was shown). A token never widens: each list only adds a condition.
 */
export function tokenRules(rules: CompiledRules | undefined, token: TokenClaims): CompiledRules | undefined {
  if (!token.rules) return rules;
  let seen = narrowedRules.get(token);
  if (!seen || seen.from !== rules) {
    seen = { from: rules, rules: { ...compileRules(token.rules), jwt: true, and: rules } };
    narrowedRules.set(token, seen);
  }
  return seen.rules;
}

/** Limits narrowed by a token's cuPerSecond, by the token's claims and the limits they narrowed. */
const narrowedLimits = new WeakMap<TokenClaims, { from: KeyLimits; limits: KeyLimits }>();

/**
 * The key's limits under this token: its cuPerSecond as a cap of its own, spent from one bucket per
 * key and `sub` besides the key's and the tenant's. The same object for the same token and limits,
 * so that admission (shared/metering/admit.ts) sees limits unchanged.
 */
export function tokenLimits(limits: KeyLimits, token: TokenClaims): KeyLimits {
  if (token.cuPerSecond === undefined) return limits;
  let seen = narrowedLimits.get(token);
  if (seen?.from !== limits) {
    const tokenCap = { id: `jwt:${token.sub ?? ""}`, cuPerSecond: token.cuPerSecond };
    seen = { from: limits, limits: { ...limits, tokenCap } };
    narrowedLimits.set(token, seen);
  }
  return seen.limits;
}

/** Whether the token is past its exp, beyond the clock skew that verifying forgives. */
export function tokenExpired(token: TokenClaims, now: number): boolean {
  return (token.exp + JWT_CLOCK_TOLERANCE_S) * 1000 <= now;
}

/**
 * Why a socket opened with this token may no longer be served: the token expired (with the clock
 * skew that verifying forgives), or the key that
 * signed it is no longer among the tenant's active keys (`keys`); undefined while it may.
 */
export function tokenLapsed(
  token: TokenClaims,
  keys: readonly JwtKey[],
  now: number,
): GatewayError | undefined {
  if (tokenExpired(token, now)) {
    return new JwtExpiredError("this socket's JWT has expired: reconnect with a new one");
  }
  if (!keys.some((key) => key.id === token.signer)) {
    return new JwtInvalidError(
      "the key that signed this socket's JWT is no longer active: reconnect with a JWT signed by an active key",
    );
  }
  return undefined;
}
