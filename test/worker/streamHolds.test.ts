// What a tenant's sockets hold on its meter (a place among its plan's sockets, and one among its
// wildcard subscriptions) lasts a few minutes and is renewed by the shard's key check (its alarm, run
// here at once, with the clock moved on): an open socket keeps counting however long it lives, and a
// socket dropped without a close (a shard lost in a redeploy) stops counting once its hold expires.
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, test, vi } from "vitest";
import { HOLD_TTL_MS } from "../../workers/stream/src/shard/holds";
import { type Fixture, fixture } from "./fixtures";
import { openSocket, type Socket, tryUpgrade } from "./streamSockets";

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

const keyCheck = (f: Fixture) => runDurableObjectAlarm(env.SHARD.getByName(`${f.chain}/0`));

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
  await evictDurableObject(env.SHARD.getByName(`${tenant.chain}/0`), { webSockets: "close" });
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
