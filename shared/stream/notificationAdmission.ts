/**
 * @module
 * How notifications wait for the tenant's rate limit, pure. A shard admits a key's waiting
 * notifications through the key's lease (shared/metering/admit.ts) at most one lease at a time, so
 * a refusal's retry time is never more than a lease away; notifications that would wait more than
 * NOTIFICATION_WAIT_SECONDS at the plan's rate (or hold more than the slow-consumer bound in
 * bytes) close the socket they were for, with a code and a reason saying it was the rate limit.
 */
import { leaseWant } from "../metering/lease";
import { bindingLimits, type KeyLimits } from "../metering/limits";
import { closeReason, RATE_LIMITED_CODE, type SocketClose } from "./closeCodes";
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
}

/** The close for a socket whose notifications overflowed the wait; undefined while they fit. */
export function waitOverflow(p: WaitOverflowParameters): SocketClose | undefined {
  if (p.waiting <= maxWaiting(p.limits, p.cost) && p.bytes <= SLOW_CONSUMER_BYTES) return undefined;
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
