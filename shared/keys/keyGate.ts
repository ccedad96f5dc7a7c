/**
 * @module
 * A key's allowlists at the door of a request (HTTP, or a WebSocket upgrade): its origin, client
 * address and chain, unless it presents the key's secret, which skips every list (server-side use of
 * a key that also ships in a browser). What passes carries the rules its calls must still meet
 * (methods, contracts). A key without lists costs one field read.
 */
import { sha256Hex } from "../crypto/hash";
import { UnauthorizedError } from "../errors/kinds";
import type { KeyContext } from "./keyContext";
import { type CompiledRules, checkRequest, compileRules } from "./keyRules";

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
  };
}

/**
 * Checks the request's origin, address and chain against `key`'s lists. Returns the rules its calls
 * must meet, or undefined when none apply (no lists, or the right secret). A wrong secret is a 401;
 * a broken rule throws its refusal (403).
 */
export async function gateRequest(key: KeyContext, facts: RequestFacts): Promise<CompiledRules | undefined> {
  if (facts.secret !== null) {
    if (!key.secretHash || (await sha256Hex(facts.secret)) !== key.secretHash) {
      throw new UnauthorizedError(
        "the key secret does not match this key: send the secret made with the key",
      );
    }
    return undefined;
  }
  if (!key.rules) return undefined;
  const rules = compileRules(key.rules);
  const refusal = checkRequest(rules, facts);
  if (refusal) throw refusal;
  return rules;
}
