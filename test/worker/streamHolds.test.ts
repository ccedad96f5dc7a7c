// What a tenant's sockets hold on its meter (a place among its plan's sockets, and one among its
// wildcard subscriptions) lasts a few minutes and is renewed by the shard's key check (its alarm, run
// here at once, with the clock moved on): an open socket keeps counting however long it lives, and a
// socket dropped without a close (a shard lost in a redeploy) stops counting once its hold expires.
// A renewal only renews: one that comes after the close brings nothing back. A place that lapsed
// (no renewal reached the meter) is taken again if there is room; if others took it, the socket is
// closed with 4005, or the wildcard subscription ended with gateway_subscriptionEnded.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, test, vi } from "vitest";
import { HOLD_TTL_MS } from "../../workers/stream/src/shard/holds";
import { anvil, type Fixture, fixture } from "./fixtures";
import { firstShard, openSocket, type Socket, subscribeHeads, tryUpgrade, untilHead } from "./streamSockets";

const SOCKET_CAP = {
  code: -32005,
  message: "this plan allows 1 open WebSockets per tenant: close one before opening another",
  data: { code: "stream_limit_exceeded" },
};
const WILDCARD_CAP = {
  code: -32005,
  message:
    "this plan allows 1 wildcard subscriptions per tenant (logs without an address, newPendingTransactions): add an address filter or unsubscribe one",
  data: { code: "stream_limit_exceeded", maxWildcardSubscriptions: 1 },
};

/** A tenant allowed one socket and one wildcard subscription, and another on the default plan. */
async function capped() {
  const plan = { wsMaxConnections: 1, wsMaxWildcardSubscriptions: 1 };
  return Promise.all([fixture({ capabilities: ["ws"], plan }), fixture()]);
}

async function subscribed(socket: Socket, params: unknown[]): Promise<string> {
  const answer = await socket.call("eth_subscribe", params);
  expect(answer.error).toBeUndefined();
  return answer.result as string;
}

/** Moves this isolate's clock (the shard's and the meter's, which run in it) `ms` on. */
function later(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ms);
}
afterEach(() => {
  vi.useRealTimers();
});

const keyCheck = (f: Fixture) => runDurableObjectAlarm(firstShard(f.chain));

test("an open socket and its wildcard subscription still count past the holds' lifetime: the key check renews them", async () => {
  const [tenant, other] = await capped();
  const socket = await openSocket(tenant.chain, tenant.key);
  await subscribed(socket, ["logs"]);
  const theirs = await openSocket(tenant.chain, other.key);
  await subscribed(theirs, ["logs"]);

  // Three times the holds' lifetime, with a key check every two thirds of it.
  for (let i = 0; i < 4; i++) {
    later((HOLD_TTL_MS * 3) / 4);
    expect(await keyCheck(tenant)).toBe(true);
  }
  expect(await tryUpgrade(tenant.chain, tenant.key)).toEqual({ status: 429, error: SOCKET_CAP });
  expect((await socket.call("eth_subscribe", ["newPendingTransactions"])).error).toEqual(WILDCARD_CAP);
  // Still open and served, as is the other tenant, which may still open more.
  expect((await socket.call("eth_chainId")).result).toBe("0x7a69");
  await subscribed(theirs, ["newPendingTransactions"]);
  expect((await tryUpgrade(tenant.chain, other.key)).status).toBe(101);
  expect(socket.closedWith()).toBeUndefined();
  socket.ws.close();
  theirs.ws.close();
});

test("the holds of a socket dropped without a close stop counting once they expire: the tenant opens and subscribes again", async () => {
  const [tenant] = await capped();
  const lost = await openSocket(tenant.chain, tenant.key);
  await subscribed(lost, ["logs"]);
  // A redeploy: the shard goes, its sockets are cut, and it never hears of their close.
  await evictDurableObject(firstShard(tenant.chain), { webSockets: "close" });
  expect((await lost.closed).code).toBe(1006);
  expect(await tryUpgrade(tenant.chain, tenant.key)).toEqual({ status: 429, error: SOCKET_CAP });

  later(HOLD_TTL_MS - 10_000);
  expect(await tryUpgrade(tenant.chain, tenant.key)).toEqual({ status: 429, error: SOCKET_CAP });
  later(20_000);
  const fresh = await openSocket(tenant.chain, tenant.key);
  await subscribed(fresh, ["logs"]);
  expect((await fresh.call("eth_subscribe", ["newPendingTransactions"])).error).toEqual(WILDCARD_CAP);
  fresh.ws.close();
});

// A place lapses when no renewal reaches the meter for the holds' lifetime (the meter out of reach
// from the shard): here no key check runs while the clock moves on, which the meter sees the same way.

test("a socket whose place lapsed and was taken by a new socket is closed with 4005 at the next key check; the new socket stays", async () => {
  const [tenant, other] = await capped();
  const lapsed = await openSocket(tenant.chain, tenant.key);
  await subscribed(lapsed, ["logs"]);
  const theirs = await openSocket(tenant.chain, other.key);
  later(HOLD_TTL_MS + 10_000);
  const taker = await openSocket(tenant.chain, tenant.key);
  await subscribed(taker, ["logs"]);

  expect(await keyCheck(tenant)).toBe(true);
  expect(await lapsed.closed).toEqual({
    code: 4005,
    reason:
      "this plan allows 1 open WebSockets per tenant: this one's place lapsed and was taken; reconnect when one closes",
  });
  // The tenant is back at its cap of one socket and one wildcard subscription, held by the new socket.
  expect(await keyCheck(tenant)).toBe(true);
  expect(taker.closedWith()).toBeUndefined();
  expect((await taker.call("eth_chainId")).result).toBe("0x7a69");
  expect(await tryUpgrade(tenant.chain, tenant.key)).toEqual({ status: 429, error: SOCKET_CAP });
  expect((await taker.call("eth_subscribe", ["newPendingTransactions"])).error).toEqual(WILDCARD_CAP);
  // The other tenant's socket lapsed too, with room to take its place again: it stays open.
  expect(theirs.closedWith()).toBeUndefined();
  expect((await theirs.call("eth_chainId")).result).toBe("0x7a69");
  taker.ws.close();
  theirs.ws.close();
});

test("a wildcard subscription whose place lapsed and was taken ends with gateway_subscriptionEnded; its socket keeps its place and its other subscriptions", async () => {
  const plan = { wsMaxConnections: 2, wsMaxWildcardSubscriptions: 1 };
  const tenant = await fixture({ capabilities: ["ws"], plan });
  const socket = await openSocket(tenant.chain, tenant.key);
  const allLogs = await subscribed(socket, ["logs"]);
  const heads = await subscribeHeads(socket);
  later(HOLD_TTL_MS + 10_000);
  const taker = await openSocket(tenant.chain, tenant.key);
  await subscribed(taker, ["newPendingTransactions"]);

  expect(await keyCheck(tenant)).toBe(true);
  expect(await socket.until((f) => f.method === "gateway_subscriptionEnded")).toEqual({
    jsonrpc: "2.0",
    method: "gateway_subscriptionEnded",
    params: {
      subscription: allLogs,
      error: {
        code: -32005,
        message:
          "this plan allows 1 wildcard subscriptions per tenant: this one's place lapsed and was taken, so it ended; subscribe again when one ends",
        data: { code: "stream_limit_exceeded", maxWildcardSubscriptions: 1 },
      },
    },
  });
  expect((await socket.call("eth_unsubscribe", [allLogs])).error?.message).toBe(
    `no subscription ${allLogs} on this connection`,
  );
  // Its own place was free to take again: the two sockets fill the plan's two.
  expect(await tryUpgrade(tenant.chain, tenant.key)).toEqual({
    status: 429,
    error: { ...SOCKET_CAP, message: SOCKET_CAP.message.replace("1 open", "2 open") },
  });
  await anvil("evm_mine");
  await untilHead(socket, heads, Number(await anvil("eth_blockNumber")));
  expect(
    socket.frames.filter((f) => f.method === "eth_subscription" && f.params?.subscription === allLogs),
  ).toEqual([]);
  expect(socket.closedWith()).toBeUndefined();
  socket.ws.close();
  taker.ws.close();
});

test("a renewal that reaches the meter after the socket's close brings its place back no more", async () => {
  const [tenant] = await capped();
  const socket = await openSocket(tenant.chain, tenant.key);
  const shard = firstShard(tenant.chain);
  const [connId] = await runInDurableObject(shard, (_, state) =>
    state.getWebSockets().map((ws) => (ws.deserializeAttachment() as { connId: string }).connId),
  );
  socket.ws.close();
  await socket.closed;
  // The close's release has landed once a new socket gets in.
  for (let i = 0; i < 50 && (await tryUpgrade(tenant.chain, tenant.key)).status !== 101; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect((await tryUpgrade(tenant.chain, tenant.key)).status).toBe(101);

  // The key check's renewal of that socket, sent before the close, arrives now.
  const meter = env.METER.getByName(tenant.tenantId);
  const late = { kind: "socket" as const, id: connId as string };
  expect(await meter.renewAll({ holds: [late], ttlMs: HOLD_TTL_MS })).toEqual([late]);
  expect((await tryUpgrade(tenant.chain, tenant.key)).status).toBe(101);
});
