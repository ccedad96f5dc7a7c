// An open WebSocket follows its plan as it is now, not as it was when it opened: the shard's key check
// (its alarm, run here at once) reads each key's limits again, so a quota lowered below what the
// month has spent closes the tenant's sockets with 4030 at their next notifications; and each
// eth_subscribe applies the stricter caps of the key as the frame resolves it (cached) and as the key
// check last read them. The other tenant is served.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { admin, anvil, fixture } from "./fixtures";
import { firstShard, openSocket, subscribeHeads, untilHead } from "./streamSockets";

async function mine(blocks: number): Promise<number> {
  for (let i = 0; i < blocks; i++) await anvil("evm_mine");
  return Number(await anvil("eth_blockNumber"));
}

type Socket = Awaited<ReturnType<typeof openSocket>>;

/**
 * With one wildcard subscription held on each socket and the tenant's caps lowered to 1 wildcard and
 * 2 per socket: the tenant's next wildcard is refused, one more newHeads fits, the one after is
 * refused; the other tenant, on its unchanged plan, is served. Closes both sockets.
 */
async function expectLoweredCaps(socket: Socket, theirs: Socket): Promise<void> {
  expect((await socket.call("eth_subscribe", ["newPendingTransactions"])).error).toEqual({
    code: -32005,
    message:
      "this plan allows 1 wildcard subscriptions per tenant (logs without an address, newPendingTransactions): add an address filter or unsubscribe one",
    data: { code: "stream_limit_exceeded", maxWildcardSubscriptions: 1 },
  });
  expect((await socket.call("eth_subscribe", ["newHeads"])).error).toBeUndefined();
  expect((await socket.call("eth_subscribe", ["newHeads"])).error).toEqual({
    code: -32005,
    message: "this plan allows 2 subscriptions per WebSocket: unsubscribe one first",
    data: { code: "stream_limit_exceeded" },
  });
  // The other tenant's plan is unchanged.
  expect((await theirs.call("eth_subscribe", ["newPendingTransactions"])).error).toBeUndefined();
  expect((await theirs.call("eth_subscribe", ["newHeads"])).error).toBeUndefined();
  socket.ws.close();
  theirs.ws.close();
}

test("a plan's quota lowered below what is spent closes its tenant's sockets with 4030 after the key check; the other tenant is served", async () => {
  const [tenant, other] = await Promise.all([fixture({ capabilities: ["ws"] }), fixture()]);
  const socket = await openSocket(tenant.chain, tenant.key);
  const sub = await subscribeHeads(socket);
  const theirs = await openSocket(tenant.chain, other.key);
  const theirSub = await subscribeHeads(theirs);
  await untilHead(socket, sub, await mine(1));

  await admin("PATCH", `/plans/${tenant.planId}`, { monthlyCu: 10 });
  expect(await runDurableObjectAlarm(firstShard(tenant.chain))).toBe(true);
  // What the lease in hand covers (a tenth of a second of the rate) may still go out.
  for (let i = 0; i < 15 && !socket.closedWith(); i++) await untilHead(theirs, theirSub, await mine(1));
  expect(socket.closedWith()?.code).toBe(4030);
  expect(socket.closedWith()?.reason).toMatch(
    /^monthly quota exhausted: this plan allows 10 CU per month, and it renews at /,
  );
  const next = await mine(1);
  await untilHead(theirs, theirSub, next);
  expect(theirs.closedWith()).toBeUndefined();
  theirs.ws.close();
});

test("a wildcard cap or a subscriptions cap lowered applies to the next eth_subscribe of a socket already open", async () => {
  const [tenant, other] = await Promise.all([
    fixture({ capabilities: ["ws"], plan: { wsMaxWildcardSubscriptions: 3, wsMaxSubscriptions: 5 } }),
    fixture({ plan: { wsMaxWildcardSubscriptions: 3, wsMaxSubscriptions: 5 } }),
  ]);
  const socket = await openSocket(tenant.chain, tenant.key);
  const theirs = await openSocket(tenant.chain, other.key);
  for (const s of [socket, theirs]) expect((await s.call("eth_subscribe", ["logs"])).error).toBeUndefined();

  await admin("PATCH", `/plans/${tenant.planId}`, { wsMaxWildcardSubscriptions: 1, wsMaxSubscriptions: 2 });
  await expectLoweredCaps(socket, theirs);
});

test("a cap lowered applies to the next eth_subscribe once the key check has read it, while the frame's key is still cached with the old one", async () => {
  const plan = { wsMaxWildcardSubscriptions: 3, wsMaxSubscriptions: 5 };
  const [tenant, other] = await Promise.all([fixture({ capabilities: ["ws"], plan }), fixture({ plan })]);
  const socket = await openSocket(tenant.chain, tenant.key);
  const theirs = await openSocket(tenant.chain, other.key);
  // These frames leave both keys, with the old caps, in this isolate's cache (15 s) and in KV (45 s).
  for (const s of [socket, theirs]) expect((await s.call("eth_subscribe", ["logs"])).error).toBeUndefined();

  // Lowered in D1 as another isolate's admin call would: this isolate's cache does not hear of it.
  await env.DB.prepare(
    "UPDATE plans SET ws_max_wildcard_subscriptions = 1, ws_max_subscriptions = 2 WHERE id = ?",
  )
    .bind(tenant.planId)
    .run();
  expect(await runDurableObjectAlarm(firstShard(tenant.chain))).toBe(true);
  await expectLoweredCaps(socket, theirs);
});
