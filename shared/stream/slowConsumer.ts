/**
 * @module
 * When a client socket is too slow to follow its chain. The shard reads the socket's
 * `bufferedAmount` (bytes sent but not yet handed on) when the next event arrives: what is still
 * queued then was not read in the time the chain took to make a block. Such a client is closed
 * with a code and a reason it can act on (reconnect and resume), never silently skipped.
 */

import { SLOW_CONSUMER_CODE } from "./closeCodes";

export { SLOW_CONSUMER_CODE };

/** Bytes a client socket may still hold unsent when the next event arrives. */
export const SLOW_CONSUMER_BYTES = 8 * 1024 * 1024;

export function slowConsumerClose(bufferedBytes: number): { code: number; reason: string } | undefined {
  if (!(bufferedBytes > SLOW_CONSUMER_BYTES)) return undefined;
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  // A close reason holds at most 123 bytes.
  return {
    code: SLOW_CONSUMER_CODE,
    reason: `slow consumer: ${mib(bufferedBytes)} MiB unread (limit ${mib(SLOW_CONSUMER_BYTES)} MiB); reconnect with resumeAfter`,
  };
}
