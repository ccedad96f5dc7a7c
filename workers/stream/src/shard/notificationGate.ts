/**
 * @module
 * Notifications are admitted through the key's lease like requests (shared/metering/admit.ts):
 * each API key with sockets on the shard has one queue of notifications, in the order they were
 * made, and they go out as the lease admits them, at most one lease's worth at a time. A rate
 * refusal makes them wait until the time it gave; a socket whose notifications would wait too long
 * is closed (4029, shared/stream/notificationAdmission.ts); a spent monthly quota closes every socket
 * of the tenant on the shard (4030, with the quota error's message). Nothing is skipped silently.
 */
import type { Env } from "../../../../shared/config/env";
import { settingsOf } from "../../../../shared/config/env";
import { QuotaExceededError } from "../../../../shared/errors/kinds";
import { admit, type MeteredKey } from "../../../../shared/metering/admit";
import { quotaClose, type SocketClose } from "../../../../shared/stream/closeCodes";
import type { Connection } from "../../../../shared/stream/connection";
import { admissionChunk, waitOverflow } from "../../../../shared/stream/notificationAdmission";
import type { OpenSocket } from "./delivery";
import { billNotifications, NOTIFICATION_CU } from "./usage";

/** A refused queue asks again no sooner than this, and no later than this, after the refusal. */
const MIN_WAIT_MS = 5;
const MAX_WAIT_MS = 10_000;

interface Waiting {
  connId: string;
  frame: string;
}

/** One key's notifications waiting for admission. Bound: waitOverflow's; lifetime: until sent. */
interface KeyQueue {
  /** Its limits object stays the same while the queue lives, so a refusal holds (admit.ts). */
  key: MeteredKey;
  items: Waiting[];
  bytes: number;
  /** Notifications waiting per socket, so a close finds its own at once. */
  perSocket: Map<string, number>;
  pumping: boolean;
}

export interface GateHooks {
  env: Env;
  /** The socket with this id, while it is open. */
  socket(connId: string): OpenSocket | undefined;
  /** Closes one socket. */
  close(open: OpenSocket, close: SocketClose): void;
  /** Closes every socket of a tenant on the shard. */
  closeTenant(tenantId: string, close: SocketClose): void;
  waitUntil(p: Promise<unknown>): void;
}

export class NotificationGate {
  private readonly queues = new Map<string, KeyQueue>();

  constructor(private readonly hooks: GateHooks) {}

  /** Queues `frames` for `open` behind what its key has waiting, or closes it when they overflow. */
  push(open: OpenSocket, frames: readonly string[]): void {
    const { conn } = open;
    if (frames.length === 0 || !this.hooks.socket(conn.connId)) return;
    let queue = this.queues.get(conn.keyId);
    if (!queue) {
      const key = { keyId: conn.keyId, tenantId: conn.tenantId, limits: conn.limits };
      queue = { key, items: [], bytes: 0, perSocket: new Map(), pumping: false };
      this.queues.set(conn.keyId, queue);
    }
    for (const frame of frames) {
      queue.items.push({ connId: conn.connId, frame });
      queue.bytes += frame.length;
    }
    queue.perSocket.set(conn.connId, (queue.perSocket.get(conn.connId) ?? 0) + frames.length);
    const limits = queue.key.limits;
    const waiting = queue.items.length;
    const close = waitOverflow({ waiting, bytes: queue.bytes, limits, cost: NOTIFICATION_CU });
    if (close) {
      this.forget(conn);
      this.hooks.close(open, close);
      return;
    }
    if (!queue.pumping) {
      queue.pumping = true;
      this.hooks.waitUntil(this.pump(queue));
    }
  }

  /** Drops what a closed socket had waiting. */
  forget(conn: Connection): void {
    const queue = this.queues.get(conn.keyId);
    if (!queue?.perSocket.delete(conn.connId)) return;
    queue.items = queue.items.filter((item) => item.connId !== conn.connId);
    queue.bytes = queue.items.reduce((sum, item) => sum + item.frame.length, 0);
  }

  /** Admits and sends the queue's notifications in order, until none are left. */
  private async pump(queue: KeyQueue): Promise<void> {
    const { env, waitUntil } = this.hooks;
    const leaseSeconds = settingsOf(env).meterLeaseMs / 1000;
    let single = false;
    try {
      // What the rest of this delivery pushes joins the first admission.
      await Promise.resolve();
      while (queue.items.length > 0) {
        const waiting = queue.items.length;
        const n = single ? 1 : admissionChunk(queue.key.limits, NOTIFICATION_CU, leaseSeconds, waiting);
        const cost = n * NOTIFICATION_CU;
        const { error, retryAt } = await admit({ env, key: queue.key, cost, leaseSeconds, waitUntil });
        if (!error) {
          this.send(queue, n);
        } else if (!(error instanceof QuotaExceededError)) {
          await sleep(Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, (retryAt ?? 0) - Date.now())));
        } else if (n > 1) {
          // The month may still cover fewer than n: ask for one at a time, as under limits read
          // again (a new limits object ends admit's local refusal).
          single = true;
          queue.key = { ...queue.key, limits: { ...queue.key.limits } };
        } else {
          queue.items = [];
          queue.bytes = 0;
          queue.perSocket.clear();
          this.hooks.closeTenant(queue.key.tenantId, quotaClose(error.message));
        }
      }
    } catch (err) {
      console.warn(JSON.stringify({ event: "notification_pump_failed", error: String(err).slice(0, 200) }));
    } finally {
      queue.pumping = false;
      if (queue.items.length === 0 && this.queues.get(queue.key.keyId) === queue) {
        this.queues.delete(queue.key.keyId);
      }
    }
  }

  /** Sends the first `n` waiting notifications (admitted) and bills those that went out. */
  private send(queue: KeyQueue, n: number): void {
    let sent = 0;
    let billTo: OpenSocket | undefined;
    for (const { connId, frame } of queue.items.splice(0, n)) {
      queue.bytes -= frame.length;
      const left = (queue.perSocket.get(connId) ?? 1) - 1;
      if (left > 0) queue.perSocket.set(connId, left);
      else queue.perSocket.delete(connId);
      const open = this.hooks.socket(connId);
      if (!open) continue;
      try {
        open.ws.send(frame);
      } catch {
        continue;
      }
      sent++;
      billTo = open;
    }
    if (billTo) billNotifications(this.hooks.env, billTo.conn, sent, this.hooks.waitUntil);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
