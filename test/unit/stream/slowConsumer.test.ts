import { describe, expect, test } from "vitest";
import { SLOW_CONSUMER_BYTES, slowConsumerClose } from "../../../shared/stream/slowConsumer";

describe("slowConsumerClose", () => {
  test("a socket at or under the limit stays open", () => {
    expect(slowConsumerClose(0)).toBeUndefined();
    expect(slowConsumerClose(SLOW_CONSUMER_BYTES)).toBeUndefined();
  });

  test("over the limit: close 1008 with a reason that says how much and what to do", () => {
    const close = slowConsumerClose(SLOW_CONSUMER_BYTES + 1024 * 1024);
    expect(close).toEqual({
      code: 1008,
      reason: "slow consumer: 9.0 MiB unread (limit 8.0 MiB); reconnect with resumeAfter",
    });
    expect(new TextEncoder().encode(close?.reason).length).toBeLessThanOrEqual(123);
  });

  test("a runtime without bufferedAmount (undefined or NaN) never closes", () => {
    expect(slowConsumerClose(Number.NaN)).toBeUndefined();
    expect(slowConsumerClose(undefined as unknown as number)).toBeUndefined();
  });
});
