/**
 * @module
 * Open WebSockets re-check their key: every KEY_CHECK_MS, while the shard holds sockets, the keys
 * they opened with are read from D1 itself (no cache). Sockets whose key was revoked, or whose
 * tenant was suspended, are closed with 4001, within KEY_CHECK_MS (plus the alarm's own delay),
 * under the HTTP bound of 60 s; the others take their key's current limits (a plan changed, a key's
 * cap lowered), which their next notifications and subscriptions are admitted under.
 */
import type { Env } from "../../../../shared/config/env";
import { currentKeys } from "../../../../shared/keys/resolveKey";
import { REVOKED_CLOSE } from "../../../../shared/stream/closeCodes";
import { limitsOf, type SocketLimits } from "../../../../shared/stream/connection";
import type { OpenSocket } from "./delivery";

export { REVOKED_CLOSE };

export const KEY_CHECK_MS = 30_000;

/** An open socket, and its key's limits now; undefined when its key is no longer valid. */
export interface CheckedSocket {
  open: OpenSocket;
  current: SocketLimits | undefined;
}

/** Every socket of `sockets` with its key's current limits, or none when the key was revoked. */
export async function checkKeys(env: Env, sockets: Iterable<OpenSocket>): Promise<CheckedSocket[]> {
  const open = [...sockets];
  if (open.length === 0) return [];
  const keys = await currentKeys(env.DB, [...new Set(open.map((s) => s.conn.keyHash))]);
  return open.map((s) => {
    const key = keys.get(s.conn.keyHash);
    return { open: s, current: key && limitsOf(key) };
  });
}

/** Sets the next check, unless one is set already. */
export async function scheduleKeyCheck(storage: DurableObjectStorage): Promise<void> {
  if ((await storage.getAlarm()) === null) await storage.setAlarm(Date.now() + KEY_CHECK_MS);
}
