/**
 * @module
 * Notifications as the tenant's usage: each is one call of `eth_subscription`, recorded per API key.
 */
import type { Env } from "../../../../shared/config/env";
import { cuOf } from "../../../../shared/metering/computeUnits";
import { recordUsage } from "../../../../shared/metering/report";
import { dayOf, familyOf } from "../../../../shared/metering/usage";
import type { Connection } from "../../../../shared/stream/connection";

/** A notification costs the tenant this many CU, like one call. */
export const NOTIFICATION_CU = cuOf("eth_subscription");

/** Records `count` notifications sent on `conn`: requests of family subscribe, NOTIFICATION_CU each. */
export function billNotifications(
  env: Env,
  conn: Connection,
  count: number,
  waitUntil: (p: Promise<unknown>) => void,
): void {
  if (count <= 0) return;
  const row = {
    day: dayOf(Date.now()),
    keyId: conn.keyId,
    chain: conn.chain,
    family: familyOf("eth_subscription"),
    requests: count,
    cu: count * NOTIFICATION_CU,
    errors: 0,
  };
  recordUsage(env, conn.tenantId, [row], waitUntil);
}
