/**
 * @module
 * A fan-out shard: holds client WebSockets of one chain with the hibernation API and delivers the
 * chain feed's events to the subscriptions that match. Each socket's identity (key hash, tenant,
 * plan limits) is its attachment, tagged with its connection id; subscriptions live in SQLite, so an
 * evicted shard wakes with all of them. Frames other than eth_subscribe / eth_unsubscribe are
 * answered exactly as over HTTP (auth, method policy, metering, cache, routing).
 */
import { DurableObject } from "cloudflare:workers";
import { resolveChain } from "../../../shared/config/chains";
import { type Env, settingsOf } from "../../../shared/config/env";
import {
  ChainNotFoundError,
  InvalidParamsError,
  InvalidRequestError,
  ResumeUnavailableError,
  StreamLimitError,
  toGatewayError,
  UnauthorizedError,
} from "../../../shared/errors/kinds";
import type { RpcCall } from "../../../shared/jsonrpc/parse";
import { itemsOf, responseOf } from "../../../shared/jsonrpc/requestItems";
import { errorEntry } from "../../../shared/jsonrpc/serialize";
import { resolveKeyHash } from "../../../shared/keys/resolveKey";
import { cuOf } from "../../../shared/metering/computeUnits";
import { recordUsage } from "../../../shared/metering/report";
import { dayOf, familyOf, type UsageRow } from "../../../shared/metering/usage";
import type { HereAnswer } from "../../../shared/pipeline/answer";
import { answerMetered } from "../../../shared/pipeline/metered";
import { type Connection, connectionOf, shardOf } from "../../../shared/stream/connection";
import { type FeedEvent, notification } from "../../../shared/stream/events";
import { type LogFilter, matchesLog, parseLogFilter } from "../../../shared/stream/logFilter";
import type { AttachReturnType, FanoutShardApi } from "../../../shared/stream/protocol";
import { slowConsumerClose } from "../../../shared/stream/slowConsumer";
import { parseSubscribe, parseUnsubscribe, type SubscriptionKind } from "../../../shared/stream/subscribe";

/** A notification costs the tenant this many CU, like one call. */
const NOTIFICATION_CU = cuOf("eth_subscription");
const ALL_CACHE = { read: true, write: true };

interface Subscription {
  id: string;
  connId: string;
  kind: SubscriptionKind;
  filter: LogFilter | undefined;
  /** While the subscription is being set up: events to send once its id has been answered. */
  backlog: FeedEvent[] | undefined;
  /** Highest seq sent, so a replayed event is never sent twice. */
  sentSeq: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subs (id TEXT PRIMARY KEY, conn TEXT NOT NULL, kind TEXT NOT NULL, filter TEXT);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`;

export class FanoutShard extends DurableObject<Env> implements FanoutShardApi {
  private readonly sql: SqlStorage;
  private readonly subs = new Map<string, Subscription>();
  /** Subscriptions answered in the frame being handled, whose backlog goes out after the answer. */
  private readonly settling = new Set<Subscription>();
  /** Calls to the feed, one at a time, so an attach and a detach never cross. */
  private feedCalls: Promise<unknown> = Promise.resolve();
  private attached: boolean;
  /** Open sockets by connection id, read from the runtime once per wake-up. */
  private open: Map<string, { ws: WebSocket; conn: Connection }> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
    for (const row of this.sql.exec<{ id: string; conn: string; kind: string; filter: string | null }>(
      "SELECT * FROM subs",
    )) {
      const kind = row.kind as SubscriptionKind;
      const filter = kind === "logs" ? parseLogFilter(JSON.parse(row.filter ?? "null")) : undefined;
      this.subs.set(row.id, { id: row.id, connId: row.conn, kind, filter, backlog: undefined, sentSeq: 0 });
    }
    this.attached = this.subs.size > 0;
  }

  /** A client's upgrade, already authenticated by the gateway: checked against the plan, accepted. */
  override async fetch(request: Request): Promise<Response> {
    const shard = shardOf(request);
    const conn = shard ? connectionOf(request, shard) : undefined;
    if (!conn) return new Response("not an upgrade from the gateway", { status: 400 });
    const meter = this.env.METER.getByName(conn.tenantId);
    if (!(await meter.openSocket(conn.connId, conn.maxConnections))) {
      const error = new StreamLimitError(
        `this plan allows ${conn.maxConnections} open WebSockets per tenant: close one before opening another`,
      );
      return new Response(errorEntry("null", error.toJsonRpc()), {
        status: error.httpStatus,
        headers: { "content-type": "application/json" },
      });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [conn.connId]);
    server.serializeAttachment(conn);
    this.sockets().set(conn.connId, { ws: server, conn });
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const conn = ws.deserializeAttachment() as Connection;
    try {
      await this.answerFrame(ws, conn, message);
    } catch (err) {
      const error = toGatewayError(err);
      ws.send(errorEntry("null", error.toJsonRpc()));
      if (error instanceof UnauthorizedError) ws.close(4001, "API key revoked or invalid");
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

  /** Events from the chain's feed, in order: each goes to every subscription it matches. */
  deliver(chain: string, events: FeedEvent[]): number {
    const sockets = this.sockets();
    this.closeSlowConsumers(sockets);
    const billed = new Map<string, { conn: Connection; count: number }>();
    let sent = 0;
    for (const sub of this.subs.values()) {
      const open = sockets.get(sub.connId);
      if (!open) continue;
      if (sub.backlog) {
        sub.backlog.push(...events);
        continue;
      }
      let n = 0;
      for (const event of events) n += this.send(open.ws, sub, event);
      if (n === 0) continue;
      sent += n;
      const bill = billed.get(open.conn.keyId) ?? { conn: open.conn, count: 0 };
      bill.count += n;
      billed.set(open.conn.keyId, bill);
    }
    this.bill(chain, billed);
    return sent;
  }

  /** Closes sockets still holding more than SLOW_CONSUMER_BYTES of earlier events. */
  private closeSlowConsumers(sockets: Map<string, { ws: WebSocket; conn: Connection }>) {
    for (const { ws } of sockets.values()) {
      const close = slowConsumerClose(ws.bufferedAmount);
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

  private async answerFrame(ws: WebSocket, conn: Connection, message: string | ArrayBuffer) {
    if (typeof message !== "string") {
      throw new InvalidRequestError("binary frames are not read: send each JSON-RPC request as a text frame");
    }
    if (message.length > conn.maxMessageBytes) {
      throw new StreamLimitError(
        `frame of ${message.length} bytes exceeds this plan's limit of ${conn.maxMessageBytes}: split the batch`,
      );
    }
    const waitUntil = (p: Promise<unknown>) => this.ctx.waitUntil(p);
    const key = await resolveKeyHash(this.env, conn.keyHash, waitUntil);
    const chain = await resolveChain(this.env, conn.chain, waitUntil);
    if (!chain) throw new ChainNotFoundError(`chain "${conn.chain}" is no longer served`);
    const { single, items } = itemsOf(message, key);
    const settings = settingsOf(this.env);
    const { answers } = await answerMetered({
      env: this.env,
      items,
      key,
      chain,
      attemptTimeoutMs: settings.upstreamTimeoutMs,
      cacheMode: ALL_CACHE,
      leaseSeconds: settings.meterLeaseMs / 1000,
      headers: {},
      waitUntil,
      answerHere: (call) => this.answerHere(conn, call),
    });
    const response = responseOf(
      single,
      answers.map((a) => a.entry),
    );
    if (response !== undefined) ws.send(response);
  }

  private answerHere(conn: Connection, call: RpcCall): Promise<HereAnswer> | undefined {
    if (call.method === "eth_subscribe") return this.subscribe(conn, call).catch(asError);
    if (call.method === "eth_unsubscribe") return this.unsubscribe(conn, call).catch(asError);
    return undefined;
  }

  private async subscribe(conn: Connection, call: RpcCall): Promise<HereAnswer> {
    const request = parseSubscribe(call.params);
    let count = 0;
    for (const sub of this.subs.values()) if (sub.connId === conn.connId) count++;
    if (count >= conn.maxSubscriptions) {
      throw new StreamLimitError(
        `this plan allows ${conn.maxSubscriptions} subscriptions per WebSocket: unsubscribe one first`,
      );
    }
    const id = `0x${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
    const sub: Subscription = {
      id,
      connId: conn.connId,
      kind: request.kind,
      filter: request.filter,
      backlog: [],
      sentSeq: 0,
    };
    this.subs.set(id, sub);
    this.sql.exec(
      "INSERT INTO subs (id, conn, kind, filter) VALUES (?, ?, ?, ?)",
      id,
      conn.connId,
      request.kind,
      JSON.stringify(request.filterRaw ?? null),
    );
    const attached = await this.attach(conn, request.resumeAfter).catch((err: unknown) => {
      this.removeSubscription(id);
      throw err;
    });
    if (!attached.ok) {
      this.removeSubscription(id);
      throw new ResumeUnavailableError(
        `resume point ${request.resumeAfter} is not in the replay buffer (seq ${attached.oldest - 1} to ${attached.latest}, the last 128 blocks): subscribe without resumeAfter and fetch the missed blocks with eth_getBlockByNumber / eth_getLogs`,
        { data: { oldestResumeAfter: attached.oldest - 1, latest: attached.latest } },
      );
    }
    sub.sentSeq = request.resumeAfter ?? 0;
    sub.backlog = [...attached.replay, ...(sub.backlog ?? [])];
    this.settling.add(sub);
    return { resultRaw: `"${id}"` };
  }

  private async unsubscribe(conn: Connection, call: RpcCall): Promise<HereAnswer> {
    const id = parseUnsubscribe(call.params);
    const sub = this.subs.get(id);
    if (!sub || sub.connId !== conn.connId) {
      throw new InvalidParamsError(`no subscription ${id.slice(0, 80)} on this connection`);
    }
    this.removeSubscription(id);
    await this.detachIfIdle(conn);
    return { resultRaw: "true" };
  }

  /** Sends what subscriptions set up by this frame gathered meanwhile, after their ids went out. */
  private flushSettling(ws: WebSocket) {
    const conn = ws.deserializeAttachment() as Connection;
    let count = 0;
    for (const sub of this.settling) {
      if (sub.connId !== conn.connId) continue;
      this.settling.delete(sub);
      const backlog = sub.backlog ?? [];
      sub.backlog = undefined;
      if (!this.subs.has(sub.id)) continue;
      for (const event of backlog) count += this.send(ws, sub, event);
    }
    if (count > 0) this.bill(conn.chain, new Map([[conn.keyId, { conn, count }]]));
  }

  /** Sends one event to one subscription if it matches; returns the notifications sent. */
  private send(ws: WebSocket, sub: Subscription, event: FeedEvent): number {
    if (event.seq !== 0) {
      if (event.seq <= sub.sentSeq) return 0;
      sub.sentSeq = event.seq;
    }
    let n = 0;
    switch (sub.kind) {
      case "newHeads":
        if (event.type === "block") {
          ws.send(notification(sub.id, event.seq, event.head));
          n++;
        }
        break;
      case "logs":
        if (event.type === "pending") break;
        for (const log of event.logs) {
          if (sub.filter && !matchesLog(sub.filter, log)) continue;
          ws.send(notification(sub.id, event.seq, log.raw));
          n++;
        }
        break;
      case "newPendingTransactions":
        if (event.type !== "pending") break;
        for (const hash of event.hashes) {
          ws.send(notification(sub.id, 0, `"${hash}"`));
          n++;
        }
    }
    return n;
  }

  /** Each notification is usage of the tenant, as one call of `eth_subscription`. */
  private bill(chain: string, billed: Map<string, { conn: Connection; count: number }>) {
    const day = dayOf(Date.now());
    for (const [keyId, { conn, count }] of billed) {
      const row: UsageRow = {
        day,
        keyId,
        chain,
        family: familyOf("eth_subscription"),
        requests: count,
        cu: count * NOTIFICATION_CU,
        errors: 0,
      };
      recordUsage(this.env, conn.tenantId, [row], (p) => this.ctx.waitUntil(p));
    }
  }

  private attach(conn: Connection, resumeAfter: number | undefined): Promise<AttachReturnType> {
    let pending = false;
    for (const sub of this.subs.values()) if (sub.kind === "newPendingTransactions") pending = true;
    const { chain, shard } = conn;
    const call = this.feedCalls.then(
      async (): Promise<AttachReturnType> =>
        this.env.FEED.getByName(chain).attach({ chain, shard, pending, resumeAfter }),
    );
    this.feedCalls = call.catch(() => undefined);
    this.attached = true;
    return call;
  }

  private async detachIfIdle(conn: Connection) {
    if (this.subs.size > 0 || !this.attached) return;
    this.attached = false;
    const call = this.feedCalls.then(() => this.env.FEED.getByName(conn.chain).detach(conn.shard));
    this.feedCalls = call.catch(() => undefined);
    await call;
  }

  private removeSubscription(id: string) {
    this.subs.delete(id);
    this.sql.exec("DELETE FROM subs WHERE id = ?", id);
  }

  private async dropConnection(ws: WebSocket, close = { code: 1000, reason: "closed" }) {
    const conn = ws.deserializeAttachment() as Connection | null;
    if (!conn) return;
    this.sockets().delete(conn.connId);
    for (const sub of [...this.subs.values()])
      if (sub.connId === conn.connId) this.removeSubscription(sub.id);
    try {
      ws.close(close.code, close.reason);
    } catch {
      // Already closed.
    }
    await Promise.allSettled([
      this.env.METER.getByName(conn.tenantId).closeSocket(conn.connId),
      this.detachIfIdle(conn),
    ]);
  }
}

function asError(err: unknown): HereAnswer {
  return { error: toGatewayError(err) };
}
