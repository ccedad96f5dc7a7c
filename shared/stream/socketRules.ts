/**
 * @module
 * A key's lists on an open WebSocket, for its frames and for the shard's key check: the socket's
 * origin, address and chain (as its upgrade showed them) held to the key's current lists, then each
 * call or subscription by method and contract. A socket opened with the key's secret is exempt while
 * that secret is still the key's. Pure.
 */
import type { GatewayError } from "../errors/base";
import type { KeyContext } from "../keys/keyContext";
import { type CompiledRules, checkCall, checkRequest, compileRules } from "../keys/keyRules";
import type { Connection } from "./connection";
import type { LogFilter } from "./logFilter";
import type { SubscriptionKind } from "./subscribe";

type KeyLists = Pick<KeyContext, "rules" | "secretHash">;

/** The rules the socket's calls must meet (undefined when none apply), or the refusal of the socket itself. */
export function socketRules(
  conn: Connection,
  key: KeyLists,
): { rules: CompiledRules | undefined } | { refusal: GatewayError } {
  if (!key.rules || (conn.secretHash !== undefined && conn.secretHash === key.secretHash)) {
    return { rules: undefined };
  }
  const rules = compileRules(key.rules);
  const refusal = checkRequest(rules, {
    origin: conn.origin ?? null,
    ip: conn.ip ?? null,
    chain: conn.chain,
  });
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
