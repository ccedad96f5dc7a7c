// A key's notifications waiting for its rate: when they overflow, the socket with the most waiting is
// closed, not the one whose notification came last; notifications of a subscription ended by
// eth_unsubscribe are dropped, neither sent nor charged; when the tenant's meter cannot be reached on
// a plan that fails closed, the close says so (1013, the 503's message), not "rate limit". Another
// tenant on the same shard gets every head all the while.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { nextSingle, overflowVictims } from "../../shared/stream/notificationAdmission";
import { anvil, type Fixture, fixture, usageOf } from "./fixtures";
import {
  deployEmitter,
  emitLogs,
  type Frame,
  openSocket,
  range,
  type Socket,
  subscribeHeads,
  untilHead,
  word,
} from "./streamSockets";

/** One notification (10 CU) a second, and a burst of one: at most 10 may wait. */
const TINY = { cuPerSecond: 10, burstCu: 10 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function mine(blocks: number): Promise<number> {
  for (let i = 0; i < blocks; i++) await anvil("evm_mine");
  return Number(await anvil("eth_blockNumber"));
}

async function subscribed(socket: Socket, params: unknown[]): Promise<string> {
  const answer = await socket.call("eth_subscribe", params);
  expect(answer.error).toBeUndefined();
  return answer.result as string;
}

/** A socket of another tenant (default plan) on `on`'s chain, following heads. */
async function bystander(on: Fixture) {
  const other = await fixture();
  const socket = await openSocket(on.chain, other.key);
  return { socket, sub: await subscribeHeads(socket) };
}

/**
 * Sends a call until the rate admits it (a frame refused as a whole is answered with id null); its
 * answer.
 */
async function admitted(socket: Socket, method: string, params: unknown[]): Promise<Frame> {
  for (let id = 1_000; id < 1_200; id++) {
    const seen = socket.frames.length;
    socket.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    const answer = await socket.until(
      (f) => (f.id === id || f.id === null) && socket.frames.indexOf(f) >= seen,
    );
    if (answer.id === id) return answer;
    expect(answer.error?.data?.code).toBe("limit_exceeded");
    await sleep(10);
  }
  throw new Error(`${method} was never admitted`);
}

/** The first of `sockets` to be closed, within `ms`. */
async function firstClosed(sockets: Record<string, Socket>, ms = 15_000): Promise<string | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const closed = Object.entries(sockets).find(([, s]) => s.closedWith());
    if (closed) return closed[0];
    await sleep(20);
  }
  return undefined;
}

test("an overflow closes the socket with the most waiting, not the one whose notification tipped it", async () => {
  const emitter = await deployEmitter();
  const tenant = await fixture({ capabilities: ["ws"], plan: TINY });
  const busy = await openSocket(tenant.chain, tenant.key);
  const quiet = await openSocket(tenant.chain, tenant.key);
  // Of the logs an emit of n makes (topics n down to 1), the busy socket takes all but the last.
  const busyTopics = range(2, 20).map(word);
  // At one call a second, the second subscribe waits for the rate.
  const busySub = await admitted(busy, "eth_subscribe", ["logs", { address: emitter, topics: [busyTopics] }]);
  expect(busySub.error).toBeUndefined();
  const quietSub = await admitted(quiet, "eth_subscribe", ["logs", { address: emitter, topics: [word(1)] }]);
  const ofQuiet = () => quiet.frames.filter((f) => f.params?.subscription === quietSub.result);
  const them = await bystander(tenant);
  await emitLogs(emitter, 1);
  await quiet.until(() => ofQuiet().length === 1);

  // One block: ten logs for the busy socket (ten may wait), then one for the quiet one.
  await emitLogs(emitter, 11);
  expect(await firstClosed({ busy, quiet })).toBe("busy");
  expect(busy.closedWith()).toEqual({
    code: 4029,
    reason:
      "rate limit: notifications waiting over 10 s at this plan's 10 CU/s; subscribe to less or reconnect with resumeAfter",
  });
  // The quiet socket gets its log of that block, and the next.
  await emitLogs(emitter, 1);
  await quiet.until(() => ofQuiet().length === 3);
  expect(quiet.closedWith()).toBeUndefined();
  const last = await mine(1);
  await untilHead(them.socket, them.sub, last);
  quiet.ws.close();
  them.socket.ws.close();
}, 60_000);

test("after eth_unsubscribe answers true, the subscription's waiting notifications are neither sent nor charged", async () => {
  const emitter = await deployEmitter();
  // Twenty notifications a second, admitted two at a time: a hundred logs take five seconds.
  const tenant = await fixture({ capabilities: ["ws"], plan: { cuPerSecond: 200, burstCu: 20 } });
  const socket = await openSocket(tenant.chain, tenant.key);
  const sub = await subscribed(socket, ["logs", { address: emitter }]);
  const ofSub = () => socket.frames.filter((f) => f.params?.subscription === sub);
  await emitLogs(emitter, 100);
  await socket.until((f) => f.params?.subscription === sub);

  // The unsubscribe waits for the same rate as the logs: sent again until admitted.
  const answer = await admitted(socket, "eth_unsubscribe", [sub]);
  expect(answer.result).toBe(true);
  const sentBefore = ofSub().length;
  await sleep(1_500);
  const answeredAt = socket.frames.indexOf(answer);
  expect(socket.frames.slice(answeredAt + 1).filter((f) => f.params?.subscription === sub)).toEqual([]);
  expect(ofSub().length).toBe(sentBefore);
  expect(sentBefore).toBeLessThan(100);
  expect(socket.closedWith()).toBeUndefined();
  socket.ws.close();

  // Charged: the subscribe, the unsubscribe and the notifications that went out, nothing more.
  const subscribe = (await usageOf(tenant)).rows.filter((r) => r.family === "subscribe");
  expect(subscribe).toEqual([
    expect.objectContaining({ requests: sentBefore + 2, cu: (sentBefore + 2) * 10 }),
  ]);
}, 60_000);

test("a fail-closed tenant whose meter cannot be reached has its sockets closed with 1013 and the 503's message", async () => {
  const tenant = await fixture({ capabilities: ["ws"], plan: TINY });
  const socket = await openSocket(tenant.chain, tenant.key);
  const emitter = await deployEmitter();
  const sub = await subscribed(socket, ["logs", { address: emitter }]);
  const received = () => socket.frames.filter((f) => f.params?.subscription === sub).length;
  const them = await bystander(tenant);
  await emitLogs(emitter, 1);
  await socket.until(() => received() === 1);

  // The tenant's meter answers nothing for 12 s, as an overloaded object would.
  const meter = env.METER.getByName(tenant.tenantId);
  const stalled = runInDurableObject(meter, (_, state) => state.blockConcurrencyWhile(() => sleep(12_000)));
  await sleep(50);
  const first = await mine(1);
  // Two logs: the lease in hand covers at most one; the other waits for the meter.
  await emitLogs(emitter, 2);
  // Past the 1 s the shard waits for the meter: its notifications now wait on the meter.
  await sleep(1_500);
  await emitLogs(emitter, 12);
  const last = await mine(1);
  expect(await socket.closed).toEqual({
    code: 1013,
    reason:
      "rate limiter unavailable: this plan refuses requests while usage cannot be metered; retry shortly",
  });
  await untilHead(them.socket, them.sub, last);
  expect(them.socket.heads(them.sub).filter((n) => n >= first)).toEqual(range(first, last));
  them.socket.ws.close();
  await stalled;
}, 60_000);

test("the pump asks for one notification at a time after the month refused several, until one is admitted", () => {
  expect(nextSingle(false, "quota", 5)).toBe(true);
  expect(nextSingle(true, "refused", 1)).toBe(true);
  expect(nextSingle(true, "quota", 1)).toBe(true);
  expect(nextSingle(true, "admitted", 1)).toBe(false);
  expect(nextSingle(false, "quota", 1)).toBe(false);
});

test("an overflow by bytes closes the socket holding the most bytes; by count, the one with the most waiting", () => {
  const limits = { ...TINY, monthlyCu: 1_000, keyCuPerSecond: null, onMeterDown: "closed" as const };
  const mib = 1024 * 1024;
  const perSocket = new Map([
    ["many-small", { count: 6, bytes: 1_000 }],
    ["few-large", { count: 2, bytes: 9 * mib }],
    ["one", { count: 4, bytes: 100 }],
  ]);
  const byBytes = { waiting: 12, bytes: 9 * mib + 1_100, limits, cost: 10 };
  expect(overflowVictims(perSocket, byBytes)).toEqual(["few-large"]);
  const byCount = new Map([...perSocket].map(([id, w]) => [id, { ...w, bytes: 100 }]));
  expect(overflowVictims(byCount, { waiting: 12, bytes: 300, limits, cost: 10 })).toEqual(["many-small"]);
  expect(overflowVictims(byCount, { waiting: 9, bytes: 300, limits, cost: 10 })).toEqual([]);
});
