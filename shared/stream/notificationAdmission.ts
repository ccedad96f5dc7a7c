/**
 * @module
 * How notifications wait for the tenant's rate limit, pure. A shard admits a key's waiting
 * notifications through the key's lease (shared/metering/admit.ts) at most one lease at a time, so
 * a refusal's retry time is never more than a lease away; notifications that would wait more than
 * NOTIFICATION_WAIT_SECONDS at the plan's rate (or hold more than the slow-consumer bound in
 * bytes) close the sockets with the most waiting, with a code and a reason saying it was the rate
 * limit, or the meter out of reach on a plan that fails closed.
 */
import { leaseWant } from "../metering/lease";
import { bindingLimits, type KeyLimits } from "../metering/limits";
import { closeReason, meterDownClose, RATE_LIMITED_CODE, type SocketClose } from "./closeCodes";
import { SLOW_CONSUMER_BYTES } from "./slowConsumer";

/** Longest a notification may wait for admission, at the rate that binds the key. */
export const NOTIFICATION_WAIT_SECONDS = 10;

/** How many of `waiting` notifications of `cost` CU to admit at once: one lease's worth, within the burst. */
export function admissionChunk(
  limits: KeyLimits,
  cost: number,
  leaseSeconds: number,
  waiting: number,
): number {
  const binding = bindingLimits(limits);
  const lease = Math.min(leaseWant(binding, cost, leaseSeconds), binding.burst);
  return Math.max(1, Math.min(waiting, Math.floor(lease / cost)));
}

/** Most notifications a key's sockets on one shard may have waiting: NOTIFICATION_WAIT_SECONDS of its rate. */
export function maxWaiting(limits: KeyLimits, cost: number): number {
  const rate = bindingLimits(limits).ratePerSecond;
  return Math.max(1, Math.floor((rate * NOTIFICATION_WAIT_SECONDS) / cost));
}

export interface WaitOverflowParameters {
  /** Notifications waiting, and their bytes, with the ones just added. */
  waiting: number;
  bytes: number;
  limits: KeyLimits;
  /** CU of one notification. */
  cost: number;
  /**
   * Set while the key's last admission was refused because the tenant's meter could not be reached
   * (a plan that fails closed): the meter_unavailable error's message.
   */
  meterDown?: string | undefined;
}

/** Whether what waits is within NOTIFICATION_WAIT_SECONDS of the key's rate and the byte bound. */
export function waitFits(p: WaitOverflowParameters): boolean {
  return p.waiting <= maxWaiting(p.limits, p.cost) && p.bytes <= SLOW_CONSUMER_BYTES;
}

/** The close for sockets whose notifications overflowed the wait; undefined while they fit. */
export function waitOverflow(p: WaitOverflowParameters): SocketClose | undefined {
  if (waitFits(p)) return undefined;
  if (p.meterDown !== undefined) return meterDownClose(p.meterDown);
  const rate = bindingLimits(p.limits).ratePerSecond;
  const what =
    p.bytes > SLOW_CONSUMER_BYTES
      ? `over ${SLOW_CONSUMER_BYTES / 1024 / 1024} MiB of notifications waiting for`
      : `notifications waiting over ${NOTIFICATION_WAIT_SECONDS} s at`;
  return {
    code: RATE_LIMITED_CODE,
    reason: closeReason(
      `rate limit: ${what} this plan's ${rate} CU/s; subscribe to less or reconnect with resumeAfter`,
    ),
  };
}

/** What one socket has waiting in its key's queue. */
export interface SocketWaiting {
  count: number;
  bytes: number;
}

/**
 * The sockets to close when a key's waiting notifications overflow: each time the one with the most
 * waiting (in bytes while the bytes overflow, else in notifications; the earlier on a tie), until
 * what is left fits. Empty while it fits.
 */
export function overflowVictims(
  perSocket: ReadonlyMap<string, SocketWaiting>,
  p: WaitOverflowParameters,
): string[] {
  const left = new Map(perSocket);
  const now = { ...p };
  const victims: string[] = [];
  while (left.size > 0 && !waitFits(now)) {
    const byBytes = now.bytes > SLOW_CONSUMER_BYTES;
    let most: [string, SocketWaiting] | undefined;
    for (const entry of left) {
      const [, w] = entry;
      if (!most || (byBytes ? w.bytes > most[1].bytes : w.count > most[1].count)) most = entry;
    }
    const [connId, w] = most as [string, SocketWaiting];
    left.delete(connId);
    victims.push(connId);
    now.waiting -= w.count;
    now.bytes -= w.bytes;
  }
  return victims;
}

/** How one admission of the pump ended. */
export type AdmissionOutcome = "admitted" | "refused" | "quota";

/**
 * Whether the pump asks for one notification at a time next: from a quota refusal of several at once
 * (the month may still cover fewer) until an admission succeeds.
 */
export function nextSingle(single: boolean, outcome: AdmissionOutcome, asked: number): boolean {
  if (outcome === "admitted") return false;
  if (outcome === "quota" && asked > 1) return true;
  return single;
}
