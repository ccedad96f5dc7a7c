/**
 * @module
 * A key's lists on an open WebSocket, for its frames and for the shard's key check: the socket's
 * origin, address and chain (as its upgrade showed them) held to the key's current lists, then each
 * call or subscription by method and contract. A socket opened with the key's secret is exempt while
 * that secret is still the key's; one opened with a JWT is held to its lists too, until it expires or
 * its signing key is disabled. Pure.
 */
import type { GatewayError } from "../errors/base";
import { jwtRequired, tokenLapsed, tokenRules } from "../keys/jwtPolicy";
import type { KeyContext } from "../keys/keyContext";
import { type CompiledRules, checkCall, checkRequest, compileRules } from "../keys/keyRules";
import type { Connection } from "./connection";
import type { LogFilter } from "./logFilter";
import type { SubscriptionKind } from "./subscribe";

type KeyLists = Pick<KeyContext, "rules" | "secretHash" | "jwt">;

/**
 * The rules the socket's calls must meet (undefined when none apply), or the refusal of the socket
 * itself: its JWT expired or its signer disabled (or none, where the key now requires one), or its
 * origin, address or chain outside the key's lists or the JWT's.
 */
export function socketRules(
  conn: Connection,
  key: KeyLists,
  now = Date.now(),
): { rules: CompiledRules | undefined } | { refusal: GatewayError } {
  const secretShown = conn.secretHash !== undefined && conn.secretHash === key.secretHash;
  const lapsed = conn.token
    ? tokenLapsed(conn.token, key.jwt?.keys ?? [], now)
    : !secretShown && key.jwt?.required
      ? jwtRequired()
      : undefined;
  if (lapsed) return { refusal: lapsed };
  if (!conn.token && (!key.rules || secretShown)) return { rules: undefined };
  const own = key.rules && !secretShown ? compileRules(key.rules) : undefined;
  const rules = conn.token ? tokenRules(own, conn.token) : own;
  const refusal =
    rules && checkRequest(rules, { origin: conn.origin ?? null, ip: conn.ip ?? null, chain: conn.chain });
  return refusal ? { refusal } : { rules };
}

/** Why a subscription made earlier no longer meets `rules` (its method, its filter's contracts), if it does not. */
export function subscriptionRefusal(
  rules: CompiledRules,
  sub: { kind: SubscriptionKind; filter: LogFilter | undefined },
): GatewayError | undefined {
  const addresses = sub.filter?.addresses;
  const params = sub.kind === "logs" ? ["logs", addresses ? { address: [...addresses] } : {}] : [sub.kind];
  return checkCall(rules, { method: "eth_subscribe", params });
}
