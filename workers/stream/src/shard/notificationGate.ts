/**
 * @module
 * Notifications are admitted through the key's lease like requests (shared/metering/admit.ts):
 * each API key with sockets on the shard has one queue of notifications, in the order they were
 * made, and they go out as the lease admits them, at most one lease's worth at a time. A rate
 * refusal makes them wait until the time it gave; when they would wait too long, the sockets with
 * the most waiting are closed (4029, or 1013 while the meter is out of reach on a plan that fails
 * closed: shared/stream/notificationAdmission.ts); a spent monthly quota closes every socket of the
 * tenant on the shard (4030, with the quota error's message). Nothing is skipped silently, except
 * the notifications of a subscription that has ended: they are dropped unsent and unbilled, once,
 * when it ends (forgetSubscription) or its socket closes (forget), so a pump turn costs the same
 * however many wait.
 */
import type { Env } from "../../../../shared/config/env";
import { settingsOf } from "../../../../shared/config/env";
import { MeterUnavailableError, QuotaExceededError } from "../../../../shared/errors/kinds";
import { admit, type MeteredKey } from "../../../../shared/metering/admit";
import { sameLimits } from "../../../../shared/metering/limits";
import { quotaClose, type SocketClose } from "../../../../shared/stream/closeCodes";
import type { Connection } from "../../../../shared/stream/connection";
import {
  type AdmissionOutcome,
  admissionChunk,
  nextSingle,
  overflowVictims,
  type SocketWaiting,
  type WaitOverflowParameters,
  waitOverflow,
} from "../../../../shared/stream/notificationAdmission";
import type { OpenSocket } from "./delivery";
import { billNotifications, NOTIFICATION_CU } from "./usage";

/** A refused queue asks again no sooner than this, and no later than this, after the refusal. */
const MIN_WAIT_MS = 5;
const MAX_WAIT_MS = 10_000;

interface Waiting {
  connId: string;
  /** The subscription it notifies: dropped, unsent and unbilled, once that is gone. */
  subId: string;
  frame: string;
}

/** One key's notifications waiting for admission. Bound: waitOverflow's; lifetime: until sent. */
interface KeyQueue {
  /**
   * Its limits object stays the same while the queue lives and the key's limits do not change, so a
   * refusal holds (admit.ts).
   */
  key: MeteredKey;
  /** Those from `head` on are waiting, in order; those before it went out (cut off now and then). */
  items: Waiting[];
  head: number;
  bytes: number;
  /** What each socket has waiting, so an overflow closes the sockets with the most. */
  perSocket: Map<string, SocketWaiting>;
  /** How many each subscription has waiting, so an ended one without any costs nothing. */
  perSub: Map<string, number>;
  pumping: boolean;
  /** While the last admission found the tenant's meter out of reach (fail-closed): its error's message. */
  meterDown: string | undefined;
}

export interface GateHooks {
  env: Env;
  /** The socket with this id, while it is open. */
  socket(connId: string): OpenSocket | undefined;
  /** Whether the subscription with this id still exists. */
  isLive(subId: string): boolean;
  /** Closes one socket. */
  close(open: OpenSocket, close: SocketClose): void;
  /** Closes every socket of a tenant on the shard. */
  closeTenant(tenantId: string, close: SocketClose): void;
  waitUntil(p: Promise<unknown>): void;
}

export class NotificationGate {
  private readonly queues = new Map<string, KeyQueue>();

  constructor(private readonly hooks: GateHooks) {}

  /**
   * Queues `frames` of subscription `subId` for `open` behind what its key has waiting; when the
   * key's queue overflows, closes the sockets with the most waiting until it fits.
   */
  push(open: OpenSocket, subId: string, frames: readonly string[]): void {
    const { conn } = open;
    if (frames.length === 0 || !this.hooks.socket(conn.connId)) return;
    const queue = this.queueOf(conn);
    for (const frame of frames) added(queue, { connId: conn.connId, subId, frame });
    this.closeOverflow(queue);
    if (waiting(queue) > 0 && !queue.pumping) {
      queue.pumping = true;
      this.hooks.waitUntil(this.pump(queue));
    }
  }

  /** Drops what a closed socket had waiting. */
  forget(conn: Connection): void {
    const queue = this.queues.get(conn.keyId);
    if (queue?.perSocket.has(conn.connId)) drop(queue, (item) => item.connId === conn.connId);
  }

  /** Drops what subscription `subId` of `conn` had waiting: it ended (unsubscribed, or its place lapsed). */
  forgetSubscription(conn: Connection, subId: string): void {
    const queue = this.queues.get(conn.keyId);
    if (queue?.perSub.has(subId)) drop(queue, (item) => item.subId === subId);
  }

  /** Takes the key's current limits (read again by the key check) for what it has waiting. */
  refresh(conn: Connection): void {
    const queue = this.queues.get(conn.keyId);
    if (queue && !sameLimits(queue.key.limits, conn.limits)) {
      queue.key = { ...queue.key, limits: conn.limits };
    }
  }

  private queueOf(conn: Connection): KeyQueue {
    let queue = this.queues.get(conn.keyId);
    if (!queue) {
      const key = { keyId: conn.keyId, tenantId: conn.tenantId, limits: conn.limits };
      queue = {
        key,
        items: [],
        head: 0,
        bytes: 0,
        perSocket: new Map(),
        perSub: new Map(),
        pumping: false,
        meterDown: undefined,
      };
      this.queues.set(conn.keyId, queue);
    }
    return queue;
  }

  /** Closes the sockets with the most waiting while the queue overflows. */
  private closeOverflow(queue: KeyQueue): void {
    const p: WaitOverflowParameters = {
      waiting: waiting(queue),
      bytes: queue.bytes,
      limits: queue.key.limits,
      cost: NOTIFICATION_CU,
      meterDown: queue.meterDown,
    };
    const close = waitOverflow(p);
    if (!close) return;
    for (const connId of overflowVictims(queue.perSocket, p)) {
      drop(queue, (item) => item.connId === connId);
      const open = this.hooks.socket(connId);
      if (open) this.hooks.close(open, close);
    }
  }

  /** Admits and sends the queue's notifications in order, until none are left. */
  private async pump(queue: KeyQueue): Promise<void> {
    const { env, waitUntil } = this.hooks;
    const leaseSeconds = settingsOf(env).meterLeaseMs / 1000;
    let single = false;
    try {
      // What the rest of this delivery pushes joins the first admission.
      await Promise.resolve();
      while (waiting(queue) > 0) {
        const n = single
          ? 1
          : admissionChunk(queue.key.limits, NOTIFICATION_CU, leaseSeconds, waiting(queue));
        const { error, retryAt } = await admit({
          env,
          key: queue.key,
          cost: n * NOTIFICATION_CU,
          leaseSeconds,
          waitUntil,
        });
        const outcome: AdmissionOutcome = !error
          ? "admitted"
          : error instanceof QuotaExceededError
            ? "quota"
            : "refused";
        queue.meterDown = error instanceof MeterUnavailableError ? error.message : undefined;
        single = nextSingle(single, outcome, n);
        if (outcome === "admitted") {
          this.send(queue, n);
        } else if (outcome === "refused") {
          await sleep(Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, (retryAt ?? 0) - Date.now())));
        } else if (n > 1) {
          // The month may still cover fewer than n: ask for one at a time, as under limits read
          // again (a new limits object ends admit's local refusal).
          queue.key = { ...queue.key, limits: { ...queue.key.limits } };
        } else {
          drop(queue, () => true);
          this.hooks.closeTenant(queue.key.tenantId, quotaClose((error as Error).message));
        }
      }
    } catch (err) {
      console.warn(JSON.stringify({ event: "notification_pump_failed", error: String(err).slice(0, 200) }));
    } finally {
      queue.pumping = false;
      if (waiting(queue) === 0 && this.queues.get(queue.key.keyId) === queue) {
        this.queues.delete(queue.key.keyId);
      }
    }
  }

  /**
   * Sends the first `n` waiting notifications (admitted) and bills those that went out; one whose
   * subscription or socket has gone meanwhile is dropped unsent.
   */
  private send(queue: KeyQueue, n: number): void {
    let sent = 0;
    let billTo: OpenSocket | undefined;
    for (const item of takeFront(queue, n)) {
      const open = this.hooks.socket(item.connId);
      if (!open || !this.hooks.isLive(item.subId)) continue;
      try {
        open.ws.send(item.frame);
      } catch {
        continue;
      }
      sent++;
      billTo = open;
    }
    if (billTo) billNotifications(this.hooks.env, billTo.conn, sent, this.hooks.waitUntil);
  }
}

const waiting = (queue: KeyQueue) => queue.items.length - queue.head;

/** Queues one notification at the back, and counts it in. */
function added(queue: KeyQueue, item: Waiting): void {
  queue.items.push(item);
  queue.bytes += item.frame.length;
  const mine = queue.perSocket.get(item.connId) ?? { count: 0, bytes: 0 };
  queue.perSocket.set(item.connId, { count: mine.count + 1, bytes: mine.bytes + item.frame.length });
  queue.perSub.set(item.subId, (queue.perSub.get(item.subId) ?? 0) + 1);
}

/** Removes the waiting notifications `gone` matches, and counts what is left again. */
function drop(queue: KeyQueue, gone: (item: Waiting) => boolean): void {
  const left = queue.items.slice(queue.head);
  queue.items = [];
  queue.head = 0;
  queue.bytes = 0;
  queue.perSocket.clear();
  queue.perSub.clear();
  for (const item of left) if (!gone(item)) added(queue, item);
}

/** Takes the first `n` waiting notifications off the queue, counted out; in amortised O(n). */
function takeFront(queue: KeyQueue, n: number): Waiting[] {
  const front = queue.items.slice(queue.head, queue.head + n);
  queue.head += front.length;
  if (queue.head >= 1024 && queue.head * 2 >= queue.items.length) {
    queue.items = queue.items.slice(queue.head);
    queue.head = 0;
  }
  for (const item of front) {
    queue.bytes -= item.frame.length;
    const mine = queue.perSocket.get(item.connId);
    if (mine && --mine.count <= 0) queue.perSocket.delete(item.connId);
    else if (mine) mine.bytes -= item.frame.length;
    const ofSub = (queue.perSub.get(item.subId) ?? 0) - 1;
    if (ofSub > 0) queue.perSub.set(item.subId, ofSub);
    else queue.perSub.delete(item.subId);
  }
  return front;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
