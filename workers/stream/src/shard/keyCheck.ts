/**
 * @module
 * Open WebSockets re-check their key: every KEY_CHECK_MS, while the shard holds sockets, the keys
 * they opened with are read from D1 itself (no cache), and sockets whose key was revoked, or whose
 * tenant was suspended, are closed with 4001. A revoked key's socket closes within KEY_CHECK_MS
 * (plus the alarm's own delay), under the HTTP bound of 60 s.
 */
import type { Env } from "../../../../shared/config/env";
import { validKeyHashes } from "../../../../shared/keys/resolveKey";
import { REVOKED_CLOSE } from "../../../../shared/stream/closeCodes";
import type { OpenSocket } from "./delivery";

export { REVOKED_CLOSE };

export const KEY_CHECK_MS = 30_000;

/** The sockets whose key is no longer valid. */
export async function revokedSockets(env: Env, sockets: Iterable<OpenSocket>): Promise<OpenSocket[]> {
  const open = [...sockets];
  if (open.length === 0) return [];
  const valid = await validKeyHashes(env.DB, [...new Set(open.map((s) => s.conn.keyHash))]);
  return open.filter((s) => !valid.has(s.conn.keyHash));
}

/** Sets the next check, unless one is set already. */
export async function scheduleKeyCheck(storage: DurableObjectStorage): Promise<void> {
  if ((await storage.getAlarm()) === null) await storage.setAlarm(Date.now() + KEY_CHECK_MS);
}
