/**
 * @module
 * What a shard's sockets hold on their tenant's meter (shared/metering/meterProtocol.ts): one hold per
 * open socket and one per wildcard subscription, each for HOLD_TTL_MS. The shard's key check renews
 * them all every KEY_CHECK_MS, one call per tenant, so a live socket keeps counting for as long as it
 * is open, and the holds of sockets dropped without a close (a shard lost in a redeploy) stop
 * counting within HOLD_TTL_MS. A renewal only renews: one that arrives after its release brings
 * nothing back. A hold that lapsed unrenewed (the meter out of reach for HOLD_TTL_MS) is taken again
 * under the plan's cap while its socket or subscription is there; where others took the places
 * meanwhile, the shard closes that socket or ends that subscription, so the tenant is back under its cap.
 */
import type { Env } from "../../../../shared/config/env";
import { StreamLimitError } from "../../../../shared/errors/kinds";
import type { HoldParameters, HoldRef, TenantMeterApi } from "../../../../shared/metering/meterProtocol";
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

/** A hold of the shard's: a socket's place, or with `subId` one of its wildcard subscriptions. */
export interface Held {
  conn: Connection;
  subId?: string;
  hold: HoldParameters;
}

/**
 * Renews the holds of `sockets` and of their wildcard subscriptions among `subs`: one call per
 * tenant. Returns the holds that lapsed and could not be taken again (the cap full): the shard
 * closes those sockets and ends those subscriptions. `stillHeld` says whether a hold's socket (and
 * subscription) is still there. A tenant's meter that fails is logged; its holds are renewed at the
 * next check.
 */
export async function renewHolds(
  env: Env,
  sockets: Iterable<OpenSocket>,
  subs: Iterable<Subscription>,
  stillHeld: (h: Held) => boolean,
): Promise<Held[]> {
  const open = new Map<string, Connection>();
  const byTenant = new Map<string, Held[]>();
  const add = (h: Held) => {
    const held = byTenant.get(h.conn.tenantId);
    if (held) held.push(h);
    else byTenant.set(h.conn.tenantId, [h]);
  };
  for (const { conn } of sockets) {
    open.set(conn.connId, conn);
    add({ conn, hold: socketHold(conn) });
  }
  for (const sub of subs) {
    const conn = open.get(sub.connId);
    if (conn && isWildcard(sub)) {
      add({ conn, subId: sub.id, hold: wildcardHold(conn, sub.id, conn.maxWildcardSubscriptions) });
    }
  }
  const lost = await Promise.all(
    [...byTenant].map(([tenantId, held]) =>
      renewTenant(env.METER.getByName(tenantId), held, stillHeld).catch((err: unknown) => {
        warn({ event: "holds_renewal_failed", tenantId, error: String(err).slice(0, 200) });
        return [];
      }),
    ),
  );
  return lost.flat();
}

/** Renews one tenant's holds (sockets first); takes again those that lapsed; returns those refused. */
async function renewTenant(
  meter: DurableObjectStub<TenantMeterApi>,
  held: Held[],
  stillHeld: (h: Held) => boolean,
): Promise<Held[]> {
  const refs = held.map(({ hold }): HoldRef => ({ kind: hold.kind, id: hold.id }));
  const missing = new Set((await meter.renewAll({ holds: refs, ttlMs: HOLD_TTL_MS })).map(refKey));
  // Not found and gone meanwhile: released while the renewal was on its way. Not taken again.
  const lapsed = held.filter((h) => missing.has(refKey(h.hold)) && stillHeld(h));
  if (lapsed.length === 0) return [];
  const refused = new Set(await meter.holdAll(lapsed.map((h) => h.hold)));
  // Taken again, but gone meanwhile: its release may have come first, so give it back now.
  const ended = lapsed.filter((h) => !refused.has(h.hold.id) && !stillHeld(h));
  await Promise.all(
    (["socket", "wildcard"] as const).map((kind) => {
      const ids = ended.filter((h) => h.hold.kind === kind).map((h) => h.hold.id);
      return ids.length > 0 ? meter.release({ kind, ids }) : undefined;
    }),
  );
  const tenantId = held[0]?.conn.tenantId;
  warn({ event: "holds_lapsed", tenantId, lapsed: lapsed.length, refused: refused.size });
  return lapsed.filter((h) => refused.has(h.hold.id));
}

const refKey = (h: HoldRef) => `${h.kind}:${h.id}`;

/**
 * What a client is told when its wildcard subscription's place lapsed and was taken: the
 * subscription has ended, and no more notifications come on it. The gateway's own notification, beside
 * eth_subscription (clients ignore methods they do not know); `error` is the -32005 a new subscribe
 * would get.
 */
export function wildcardLapsedFrame(subId: string, max: number): string {
  const error = new StreamLimitError(
    `this plan allows ${max} wildcard subscriptions per tenant: this one's place lapsed and was taken, so it ended; subscribe again when one ends`,
    { data: { maxWildcardSubscriptions: max } },
  );
  return JSON.stringify({
    jsonrpc: "2.0",
    method: "gateway_subscriptionEnded",
    params: { subscription: subId, error: error.toJsonRpc() },
  });
}

const warn = (entry: Record<string, unknown>) => console.warn(JSON.stringify(entry));
