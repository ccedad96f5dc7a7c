/**
 * @module
 * A fan-out shard: holds client WebSockets of one chain with the hibernation API and delivers the
 * chain feed's events to the subscriptions that match, each notification admitted through the
 * tenant's lease (notificationGate.ts). Each socket's identity (key hash, tenant, plan limits, read
 * again by the key check) is its attachment, tagged with its connection id; subscriptions live in
 * SQLite (subscriptionStore.ts), so an evicted shard wakes with all of them. Frames are answered by
 * frames.ts. It holds at most the cap of sockets the gateway sets, and tells its region's directory
 * how many it holds (directoryLink.ts).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../../../shared/config/env";
import { toGatewayError, UnauthorizedError } from "../../../../shared/errors/kinds";
import { errorEntry } from "../../../../shared/jsonrpc/serialize";
import { tokenExpired } from "../../../../shared/keys/jwtPolicy";
import { JWT_CLOSE, placeLapsedClose, type SocketClose } from "../../../../shared/stream/closeCodes";
import {
  type Connection,
  connectionOf,
  type SocketLimits,
  shardOf,
  withLimits,
} from "../../../../shared/stream/connection";
import type { FeedEvent } from "../../../../shared/stream/events";
import { placementFrom } from "../../../../shared/stream/placement";
import type { FanoutShardApi } from "../../../../shared/stream/protocol";
import { slowConsumerClose } from "../../../../shared/stream/slowConsumer";
import { overSocketCap } from "../placeSocket";
import { refusal } from "../refusal";
import { deliverEvents, flushSettled, type OpenSocket } from "./delivery";
import { DirectoryLink, shardFull } from "./directoryLink";
import { FeedLink } from "./feedLink";
import { answerFrame } from "./frames";
import { type Held, renewHolds, socketHold, wildcardLapsedFrame } from "./holds";
import { checkKeys, KEY_CHECK_MS, REVOKED_CLOSE, scheduleKeyCheck } from "./keyCheck";
import { NotificationGate } from "./notificationGate";
import { subscriptionCalls } from "./subscriptionCalls";
import { type Subscription, SubscriptionStore } from "./subscriptionStore";

export class FanoutShard extends DurableObject<Env> implements FanoutShardApi {
  private readonly store: SubscriptionStore;
  private readonly link: FeedLink;
  /** Notifications waiting for their tenant's lease, per key, in order. */
  private readonly gate: NotificationGate;
  /** Subscriptions answered in the frame being handled, whose backlog goes out after the answer. */
  private readonly settling = new Set<Subscription>();
  /** Open sockets by connection id, read from the runtime once per wake-up. */
  private open: Map<string, OpenSocket> | undefined;
  /** Upgrades being accepted: they count against the cap before their sockets open. */
  private accepting = 0;
  private readonly directory: DirectoryLink;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SubscriptionStore(ctx.storage.sql);
    this.link = new FeedLink(env, this.store.size > 0);
    this.directory = new DirectoryLink(env, ctx.storage, () => this.sockets().size + this.accepting);
    this.gate = new NotificationGate({
      env,
      socket: (connId) => this.sockets().get(connId),
      isLive: (subId) => this.store.has(subId),
      close: ({ ws }, close) => this.ctx.waitUntil(this.dropConnection(ws, close)),
      closeTenant: (tenantId, close) => this.closeTenant(tenantId, close),
      waitUntil: (p) => this.ctx.waitUntil(p),
    });
  }

  /**
   * A client's upgrade, already authenticated by the gateway: refused if the shard holds its cap of
   * sockets (the stream entrypoint then asks the directory for another), else checked against the
   * plan and accepted.
   */
  override async fetch(request: Request): Promise<Response> {
    const shard = shardOf(request);
    const conn = shard ? connectionOf(request, shard) : undefined;
    if (!conn) return new Response("not an upgrade from the gateway", { status: 400 });
    const held = this.sockets().size + this.accepting;
    if (held >= placementFrom(request).cap) return shardFull(held);
    this.directory.named(conn.shard);
    this.accepting++;
    try {
      return await this.accept(conn);
    } finally {
      this.accepting--;
      this.ctx.waitUntil(this.directory.report());
    }
  }

  private async accept(conn: Connection): Promise<Response> {
    // Renews the hold the stream entrypoint took under this socket's id (or takes it, if it lapsed).
    if (!(await this.env.METER.getByName(conn.tenantId).hold(socketHold(conn)))) {
      return refusal(overSocketCap(conn));
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [conn.connId]);
    server.serializeAttachment(conn);
    this.sockets().set(conn.connId, { ws: server, conn });
    await scheduleKeyCheck(this.ctx.storage);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const conn = ws.deserializeAttachment() as Connection;
    const state = {
      env: this.env,
      store: this.store,
      link: this.link,
      settling: this.settling,
      forget: (c: Connection, subId: string) => this.gate.forgetSubscription(c, subId),
    };
    const calls = subscriptionCalls(state, conn);
    try {
      const response = await answerFrame(this.env, conn, message, calls, (p) => this.ctx.waitUntil(p));
      if (response !== undefined) ws.send(response);
    } catch (err) {
      const error = toGatewayError(err);
      ws.send(errorEntry("null", error.toJsonRpc()));
      if (error instanceof UnauthorizedError) ws.close(REVOKED_CLOSE.code, REVOKED_CLOSE.reason);
    } finally {
      this.flushSettling(ws);
    }
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    await this.dropConnection(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.dropConnection(ws);
  }

  /**
   * Every KEY_CHECK_MS while sockets are open: closes those whose key is no longer valid, gives the
   * others their key's current limits, and renews what they hold on their tenants' meters; a place
   * that lapsed and was taken closes its socket (4005) or ends its wildcard subscription.
   */
  override async alarm(): Promise<void> {
    const sockets = this.sockets();
    try {
      // Grouped once per check, and only if a socket's key has lists: not one scan of every subscription per socket.
      let byConn: Map<string, Subscription[]> | undefined;
      const subscriptionsOf = (connId: string) => {
        if (!byConn) {
          byConn = new Map();
          for (const sub of this.store.values()) {
            const list = byConn.get(sub.connId);
            if (list) list.push(sub);
            else byConn.set(sub.connId, [sub]);
          }
        }
        return byConn.get(connId) ?? [];
      };
      for (const checked of await checkKeys(this.env, sockets.values(), subscriptionsOf)) {
        if (checked.close) await this.dropConnection(checked.open.ws, checked.close);
        else this.refresh(checked.open, checked.current);
      }
    } catch (err) {
      console.warn(JSON.stringify({ event: "key_check_failed", error: String(err).slice(0, 200) }));
    }
    const lost = await renewHolds(this.env, sockets.values(), this.store.values(), (h) => this.stillHeld(h));
    await this.endLapsed(lost);
    this.ctx.waitUntil(this.directory.report());
    if (sockets.size > 0) await this.ctx.storage.setAlarm(Date.now() + KEY_CHECK_MS);
  }

  /**
   * Events from the chain's feed, in order: each goes to every subscription it matches, through the
   * tenant's admission. Returns the notifications they made.
   */
  deliver(_chain: string, events: FeedEvent[]): number {
    const sockets = this.sockets();
    this.closeLapsed(sockets);
    return deliverEvents(this.store.values(), sockets, events, (open, subId, frames) =>
      this.gate.push(open, subId, frames),
    );
  }

  /**
   * Closes sockets still holding more than SLOW_CONSUMER_BYTES of earlier events, and those whose
   * JWT expired (no I/O: it needs no wait for the key check).
   */
  private closeLapsed(sockets: Map<string, OpenSocket>) {
    const now = Date.now();
    for (const { ws, conn } of sockets.values()) {
      const close =
        slowConsumerClose(ws.bufferedAmount) ??
        (conn.token && tokenExpired(conn.token, now) ? JWT_CLOSE : undefined);
      if (close) this.ctx.waitUntil(this.dropConnection(ws, close));
    }
  }

  private sockets() {
    if (!this.open) {
      this.open = new Map();
      for (const ws of this.ctx.getWebSockets()) {
        const conn = ws.deserializeAttachment() as Connection | null;
        if (conn) this.open.set(conn.connId, { ws, conn });
      }
    }
    return this.open;
  }

  /** Sends what subscriptions set up by this frame gathered meanwhile, after their ids went out. */
  private flushSettling(ws: WebSocket) {
    const conn = ws.deserializeAttachment() as Connection;
    const open = this.sockets().get(conn.connId) ?? { ws, conn };
    flushSettled(
      this.settling,
      (sub) => this.store.has(sub.id),
      open,
      (o, subId, frames) => this.gate.push(o, subId, frames),
    );
  }

  /** An open socket's attachment under its key's current limits, unless it closed meanwhile. */
  private refresh(open: OpenSocket, current: SocketLimits) {
    const conn = withLimits(open.conn, current);
    if (conn === open.conn || this.sockets().get(conn.connId)?.ws !== open.ws) return;
    open.ws.serializeAttachment(conn);
    this.sockets().set(conn.connId, { ws: open.ws, conn });
    this.gate.refresh(conn);
  }

  /** Whether a hold's socket is still open, and its subscription (if it is one's) still there. */
  private stillHeld({ conn, subId }: Held): boolean {
    return this.sockets().has(conn.connId) && (subId === undefined || this.store.has(subId));
  }

  /**
   * Closes the sockets, and ends the wildcard subscriptions (their client told, with
   * gateway_subscriptionEnded), whose places lapsed and were taken by others.
   */
  private async endLapsed(lost: Held[]) {
    for (const { conn, subId } of lost) {
      const open = this.sockets().get(conn.connId);
      if (!open) continue;
      if (subId === undefined) {
        await this.dropConnection(open.ws, placeLapsedClose(open.conn.maxConnections));
      } else if (this.store.has(subId)) {
        this.store.remove(subId);
        this.gate.forgetSubscription(open.conn, subId);
        try {
          open.ws.send(wildcardLapsedFrame(subId, open.conn.maxWildcardSubscriptions));
        } catch {
          // Already closed.
        }
        await this.link.detachIfIdle(open.conn, this.store.size === 0).catch(() => undefined);
      }
    }
  }

  /** Closes every socket of `tenantId` on this shard. */
  private closeTenant(tenantId: string, close: SocketClose) {
    for (const { ws, conn } of [...this.sockets().values()]) {
      if (conn.tenantId === tenantId) this.ctx.waitUntil(this.dropConnection(ws, close));
    }
  }

  private async dropConnection(ws: WebSocket, close: SocketClose = { code: 1000, reason: "closed" }) {
    const conn = ws.deserializeAttachment() as Connection | null;
    if (!conn) return;
    this.sockets().delete(conn.connId);
    this.gate.forget(conn);
    this.store.removeConnection(conn.connId);
    try {
      ws.close(close.code, close.reason);
    } catch {
      // Already closed.
    }
    this.ctx.waitUntil(this.directory.report());
    await Promise.allSettled([
      this.env.METER.getByName(conn.tenantId).release({
        kind: "socket",
        ids: [conn.connId],
        owner: conn.connId,
      }),
      this.link.detachIfIdle(conn, this.store.size === 0),
    ]);
  }
}
