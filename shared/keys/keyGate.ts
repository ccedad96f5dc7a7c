/**
 * @module
 * A key's allowlists and tenant JWTs at the door of a request (HTTP, or a WebSocket upgrade): its
 * origin, client address and chain, unless it presents the key's secret, which skips every list
 * (server-side use of a key that also ships in a browser); and its JWT, which narrows the key and
 * which a key or plan may require. What passes carries the rules its calls must still meet (methods,
 * contracts). A key without lists or JWT settings costs a few field reads.
 */
import { sha256Hex } from "../crypto/hash";
import { UnauthorizedError } from "../errors/kinds";
import { bearerJwt, jwtRequired, type TokenClaims, tokenLimits, tokenRules } from "./jwtPolicy";
import type { KeyContext } from "./keyContext";
import { type CompiledRules, checkRequest, compileRules } from "./keyRules";
import { verifyTenantJwt } from "./tenantJwt";

/** What a request shows of itself that the rules read. */
export interface RequestFacts {
  /** The Origin header, or null. */
  origin: string | null;
  /** The client's address as Cloudflare gives it (CF-Connecting-IP), or null. */
  ip: string | null;
  /** The chain's slug; null for the endpoints that serve no chain (usage, prices, validators). */
  chain: string | null;
  /** The key secret it presents (`x-api-key-secret`, or the password of basic auth), or null. */
  secret: string | null;
  /** The tenant-signed JWT it presents (`Authorization: Bearer <jwt>`), or null. */
  jwt: string | null;
}

/** The secret in `x-api-key-secret`, or the password of `Authorization: Basic` (the key is the user). */
export function presentedSecret(headers: Headers): string | null {
  const header = headers.get("x-api-key-secret");
  if (header) return header.trim();
  const auth = headers.get("authorization");
  if (!auth || !/^basic\s+/i.test(auth)) return null;
  const decoded = basicCredentials(auth);
  return decoded?.password || null;
}

/** The user and password of an `Authorization: Basic` value, or undefined when it does not decode. */
export function basicCredentials(auth: string): { user: string; password: string } | undefined {
  try {
    const text = atob(auth.replace(/^basic\s+/i, "").trim());
    const colon = text.indexOf(":");
    return colon < 0
      ? { user: text, password: "" }
      : { user: text.slice(0, colon), password: text.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

/** The facts of a request to `chain`. */
export function requestFacts(headers: Headers, chain: string | null): RequestFacts {
  return {
    origin: headers.get("origin"),
    ip: headers.get("cf-connecting-ip"),
    chain,
    secret: presentedSecret(headers),
    jwt: bearerJwt(headers),
  };
}

/** What passes the door: the rules the request's calls must meet, and the key as the request's JWT narrows it. */
export interface Passed {
  /** Undefined when no list applies (none set, or the key secret shown, and no JWT lists). */
  rules: CompiledRules | undefined;
  key: KeyContext;
  /** The request's verified JWT, if it sent one. */
  token?: TokenClaims;
}

/**
 * Checks the request against `key`: its secret, if shown (a wrong one is a 401); its origin, address
 * and chain against the key's lists (skipped with the secret); then its JWT, if sent, or the key's
 * need of one, and the JWT's lists. A broken rule throws its refusal (403).
 */
export async function gateRequest(key: KeyContext, facts: RequestFacts): Promise<Passed> {
  const secretShown = facts.secret !== null && (await secretMatches(key, facts.secret));
  // The key's own lists first: a client they refuse learns nothing of the tenant's JWT keys.
  const rules = secretShown || !key.rules ? undefined : checked(compileRules(key.rules), facts);
  const token = facts.jwt === null ? undefined : await verifyTenantJwt(key, facts.jwt);
  if (!token) {
    if (!secretShown && key.jwt?.required) throw jwtRequired();
    return { rules, key };
  }
  const limits = tokenLimits(key.limits, token);
  return {
    rules: checked(tokenRules(rules, token), facts),
    key: limits === key.limits ? key : { ...key, limits },
    token,
  };
}

function checked(rules: CompiledRules | undefined, facts: RequestFacts): CompiledRules | undefined {
  const refusal = rules && checkRequest(rules, facts);
  if (refusal) throw refusal;
  return rules;
}

async function secretMatches(key: KeyContext, secret: string): Promise<true> {
  if (!key.secretHash || (await sha256Hex(secret)) !== key.secretHash) {
    throw new UnauthorizedError("the key secret does not match this key: send the secret made with the key");
  }
  return true;
}
