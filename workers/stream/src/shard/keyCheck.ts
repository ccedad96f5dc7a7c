/**
 * @module
 * Open WebSockets re-check their key: every KEY_CHECK_MS, while the shard holds sockets, the keys
 * they opened with are read from D1 itself (no cache). Sockets whose key was revoked, or whose
 * tenant was suspended, are closed with 4001, within KEY_CHECK_MS (plus the alarm's own delay),
 * under the HTTP bound of 60 s; so are sockets that the key's lists no longer allow (4003: their
 * origin, address or chain, or a subscription's method or contracts), and sockets whose JWT expired
 * or whose JWT's signing key was disabled (4002). The others take their key's
 * current limits (a plan changed, a key's cap lowered), which their next notifications and
 * subscriptions are admitted under.
 */
import type { Env } from "../../../../shared/config/env";
import { tokenLimits } from "../../../../shared/keys/jwtPolicy";
import { currentKeys } from "../../../../shared/keys/resolveKey";
import {
  JWT_CLOSE,
  LISTS_CLOSE,
  REVOKED_CLOSE,
  type SocketClose,
} from "../../../../shared/stream/closeCodes";
import { limitsOf, type SocketLimits } from "../../../../shared/stream/connection";
import { socketRules, subscriptionRefusal } from "../../../../shared/stream/socketRules";
import type { OpenSocket } from "./delivery";
import type { Subscription } from "./subscriptionStore";

export { REVOKED_CLOSE };

export const KEY_CHECK_MS = 30_000;

/** An open socket, and its key's limits now; or how it must close (its key revoked, its lists broken). */
export type CheckedSocket = { open: OpenSocket } & (
  | { current: SocketLimits; close?: undefined }
  | { current?: undefined; close: SocketClose }
);

/** Every socket of `sockets` with its key's current limits, or the close it gets. */
export async function checkKeys(
  env: Env,
  sockets: Iterable<OpenSocket>,
  subscriptionsOf: (connId: string) => Iterable<Pick<Subscription, "kind" | "filter">>,
): Promise<CheckedSocket[]> {
  const open = [...sockets];
  if (open.length === 0) return [];
  const keys = await currentKeys(env.DB, [...new Set(open.map((s) => s.conn.keyHash))]);
  return open.map((s) => {
    const key = keys.get(s.conn.keyHash);
    if (!key) return { open: s, close: REVOKED_CLOSE };
    const lists = socketRules(s.conn, key);
    const rules = "rules" in lists ? lists.rules : undefined;
    const broken =
      "refusal" in lists ||
      (rules !== undefined &&
        [...subscriptionsOf(s.conn.connId)].some((sub) => subscriptionRefusal(rules, sub)));
    if ("refusal" in lists && lists.refusal.code.startsWith("jwt_")) return { open: s, close: JWT_CLOSE };
    if (broken) return { open: s, close: LISTS_CLOSE };
    const token = s.conn.token;
    return { open: s, current: limitsOf(token ? { ...key, limits: tokenLimits(key.limits, token) } : key) };
  });
}

/** Sets the next check, unless one is set already. */
export async function scheduleKeyCheck(storage: DurableObjectStorage): Promise<void> {
  if ((await storage.getAlarm()) === null) await storage.setAlarm(Date.now() + KEY_CHECK_MS);
}
