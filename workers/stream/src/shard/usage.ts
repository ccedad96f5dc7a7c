/**
 * @module
 * Notifications as the tenant's usage: each is one call of `eth_subscription`, recorded per API key.
 */
import type { Env } from "../../../../shared/config/env";
import { cuOf } from "../../../../shared/metering/computeUnits";
import { recordUsage } from "../../../../shared/metering/report";
import { dayOf, familyOf, type UsageRow } from "../../../../shared/metering/usage";
import type { Connection } from "../../../../shared/stream/connection";

/** A notification costs the tenant this many CU, like one call. */
const NOTIFICATION_CU = cuOf("eth_subscription");

/** Notifications sent, by the API key they are charged to. */
export type Bills = Map<string, { conn: Connection; count: number }>;

/** Adds `count` notifications sent on `conn` to `bills`. */
export function addBill(bills: Bills, conn: Connection, count: number): void {
  const bill = bills.get(conn.keyId) ?? { conn, count: 0 };
  bill.count += count;
  bills.set(conn.keyId, bill);
}

/** Records one usage row per key: `count` requests of family subscribe, NOTIFICATION_CU each. */
export function billNotifications(
  env: Env,
  chain: string,
  bills: Bills,
  waitUntil: (p: Promise<unknown>) => void,
): void {
  const day = dayOf(Date.now());
  for (const [keyId, { conn, count }] of bills) {
    const row: UsageRow = {
      day,
      keyId,
      chain,
      family: familyOf("eth_subscription"),
      requests: count,
      cu: count * NOTIFICATION_CU,
      errors: 0,
    };
    recordUsage(env, conn.tenantId, [row], waitUntil);
  }
}
