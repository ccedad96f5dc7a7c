// Which eth_subscription frames one feed event makes for one subscription, and the seq it has then
// been sent up to: a table over the kinds, the logs filter, replayed seqs and unsequenced events.
import { describe, expect, test } from "vitest";
import type { EventLog, FeedEvent } from "../../../shared/stream/events";
import { parseLogFilter } from "../../../shared/stream/logFilter";
import { type NotificationsParameters, notificationsOf } from "../../../shared/stream/notifications";

const A = "0x00000000000000000000000000000000000000aa";
const B = "0x00000000000000000000000000000000000000bb";
const T = `0x${"11".repeat(32)}`;

const log = (address: string, n: number): EventLog => ({
  address,
  topics: [T],
  raw: JSON.stringify({ address, logIndex: n, removed: false }),
});

const block: FeedEvent = {
  seq: 5,
  type: "block",
  number: 9,
  hash: "0x09",
  head: '{"number":"0x9"}',
  logs: [log(A, 0), log(B, 1)],
};
const removed: FeedEvent = { seq: 6, type: "removed", number: 9, hash: "0x09", logs: [log(A, 0)] };
const pending: FeedEvent = { seq: 0, type: "pending", hashes: ["0xaa", "0xbb"] };

const sub = (kind: NotificationsParameters["kind"], sentSeq = 0, filter?: unknown) => ({
  id: "0xs",
  kind,
  filter: kind === "logs" ? parseLogFilter(filter) : undefined,
  sentSeq,
});

const frame = (seq: number, result: unknown) => ({
  jsonrpc: "2.0",
  method: "eth_subscription",
  params: { subscription: "0xs", ...(seq > 0 ? { seq } : {}), result },
});

const cases: [string, NotificationsParameters, FeedEvent, unknown[], number][] = [
  ["newHeads gets a block's head", sub("newHeads"), block, [frame(5, { number: "0x9" })], 5],
  ["newHeads gets nothing from a removed block, but its seq counts", sub("newHeads"), removed, [], 6],
  ["newHeads gets nothing from pending transactions", sub("newHeads", 3), pending, [], 3],
  [
    "logs without a filter gets every log of a block",
    sub("logs"),
    block,
    [frame(5, JSON.parse(log(A, 0).raw)), frame(5, JSON.parse(log(B, 1).raw))],
    5,
  ],
  [
    "logs gets only the logs its filter matches",
    sub("logs", 0, { address: B }),
    block,
    [frame(5, JSON.parse(log(B, 1).raw))],
    5,
  ],
  [
    "logs whose filter matches none gets nothing, but the seq counts",
    sub("logs", 0, { address: B }),
    removed,
    [],
    6,
  ],
  ["logs gets a removed block's logs again", sub("logs"), removed, [frame(6, JSON.parse(log(A, 0).raw))], 6],
  ["logs gets nothing from pending transactions", sub("logs", 2), pending, [], 2],
  ["a seq already sent makes nothing", sub("logs", 5), block, [], 5],
  ["a seq below the one sent makes nothing", sub("newHeads", 7), block, [], 7],
  [
    "pending transactions go out with seq 0, whatever seq was sent",
    sub("newPendingTransactions", 9),
    pending,
    [frame(0, "0xaa"), frame(0, "0xbb")],
    9,
  ],
  [
    "newPendingTransactions gets nothing from a block, but its seq counts",
    sub("newPendingTransactions"),
    block,
    [],
    5,
  ],
];

describe("notifications of one event for one subscription", () => {
  test.each(cases)("%s", (_name, params, event, frames, sentSeq) => {
    const out = notificationsOf(params, event);
    expect(out.frames.map((f) => JSON.parse(f))).toEqual(frames);
    expect(out.sentSeq).toBe(sentSeq);
  });

  test("a pending frame has no seq field at all", () => {
    const [first] = notificationsOf(sub("newPendingTransactions"), pending).frames;
    expect(first).not.toContain('"seq"');
  });

  test("the subscription passed in is left as it was", () => {
    const params = sub("newHeads", 1);
    notificationsOf(params, block);
    expect(params.sentSeq).toBe(1);
  });
});
