/**
 * @module
 * What a shard's sockets hold on their tenant's meter (shared/metering/meterProtocol.ts): one hold per
 * open socket and one per wildcard subscription, each for HOLD_TTL_MS. The shard's key check renews
 * them all every KEY_CHECK_MS, one call per tenant, so a live socket keeps counting for as long as it
 * is open, and the holds of sockets dropped without a close (a shard lost in a redeploy) stop
 * counting within HOLD_TTL_MS.
 */
import type { Env } from "../../../../shared/config/env";
import type { HoldParameters } from "../../../../shared/metering/meterProtocol";
import type { Connection } from "../../../../shared/stream/connection";
import { isWildcard } from "../../../../shared/stream/subscribe";
import type { OpenSocket } from "./delivery";
import type { Subscription } from "./subscriptionStore";

/** A hold not renewed (KEY_CHECK_MS) for this long stops counting: ten missed key checks. */
export const HOLD_TTL_MS = 5 * 60_000;

/** The hold of an open socket, against the plan's sockets per tenant. */
export function socketHold(conn: Connection): HoldParameters {
  return { kind: "socket", id: conn.connId, max: conn.maxConnections, ttlMs: HOLD_TTL_MS };
}

/** The hold of a wildcard subscription, against the plan's `max` wildcard subscriptions per tenant. */
export function wildcardHold(conn: Connection, subId: string, max: number): HoldParameters {
  return { kind: "wildcard", id: `${conn.connId}/${subId}`, owner: conn.connId, max, ttlMs: HOLD_TTL_MS };
}

export function releaseWildcard(env: Env, conn: Connection, subId: string): Promise<void> {
  return env.METER.getByName(conn.tenantId).release({ kind: "wildcard", ids: [`${conn.connId}/${subId}`] });
}

/**
 * Renews the holds of `sockets` and of their wildcard subscriptions among `subs`: one call per
 * tenant. A tenant's meter that fails is logged; its holds are renewed at the next check.
 */
export async function renewHolds(
  env: Env,
  sockets: Iterable<OpenSocket>,
  subs: Iterable<Subscription>,
): Promise<void> {
  const open = new Map<string, Connection>();
  const byTenant = new Map<string, HoldParameters[]>();
  const add = (conn: Connection, hold: HoldParameters) => {
    const holds = byTenant.get(conn.tenantId);
    if (holds) holds.push(hold);
    else byTenant.set(conn.tenantId, [hold]);
  };
  for (const { conn } of sockets) {
    open.set(conn.connId, conn);
    add(conn, socketHold(conn));
  }
  for (const sub of subs) {
    const conn = open.get(sub.connId);
    if (conn && isWildcard(sub)) add(conn, wildcardHold(conn, sub.id, conn.maxWildcardSubscriptions));
  }
  await Promise.all(
    [...byTenant].map(async ([tenantId, holds]) => {
      try {
        const refused = await env.METER.getByName(tenantId).holdAll(holds);
        if (refused.length > 0) warn({ event: "holds_not_renewed", tenantId, refused: refused.length });
      } catch (err) {
        warn({ event: "holds_renewal_failed", tenantId, error: String(err).slice(0, 200) });
      }
    }),
  );
}

const warn = (entry: Record<string, unknown>) => console.warn(JSON.stringify(entry));
