import { describe, expect, test } from "vitest";
import { eventLogsOf, headOf, notification, removedLogs } from "../../../shared/stream/events";

const LOG = {
  address: "0xAbC0000000000000000000000000000000000001",
  topics: ["0xAA00000000000000000000000000000000000000000000000000000000000000"],
  data: "0x",
  blockHash: "0x01",
  removed: false,
};

describe("stream events", () => {
  test("a notification carries the subscription, the seq and the raw result", () => {
    expect(JSON.parse(notification("0xab", 7, '{"number":"0x1"}'))).toEqual({
      jsonrpc: "2.0",
      method: "eth_subscription",
      params: { subscription: "0xab", seq: 7, result: { number: "0x1" } },
    });
  });

  test("an unsequenced notification (pending transactions) has no seq", () => {
    expect(JSON.parse(notification("0xab", 0, '"0xfeed"')).params).toEqual({
      subscription: "0xab",
      result: "0xfeed",
    });
  });

  test("a head is the block without its body", () => {
    const block = {
      number: "0x1",
      hash: "0x2",
      transactions: ["0x3"],
      uncles: [],
      withdrawals: [],
      size: "0x10",
    };
    expect(JSON.parse(headOf(block))).toEqual({ number: "0x1", hash: "0x2" });
  });

  test("logs match on lower-cased address and topics, and are sent as the node gave them", () => {
    const [log] = eventLogsOf([LOG]);
    expect(log?.address).toBe(LOG.address.toLowerCase());
    expect(log?.topics).toEqual([LOG.topics[0]?.toLowerCase()]);
    expect(JSON.parse(log?.raw ?? "")).toEqual(LOG);
  });

  test("a reorg re-sends the same logs with removed: true and nothing else changed", () => {
    const [removed] = removedLogs(eventLogsOf([LOG]));
    expect(JSON.parse(removed?.raw ?? "")).toEqual({ ...LOG, removed: true });
    expect(removed?.address).toBe(LOG.address.toLowerCase());
  });
});
