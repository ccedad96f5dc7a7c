// Notifications are admitted through the tenant's lease like requests: a tenant on a tiny plan gets
// every head, in order, no faster than its rate; one whose heads would wait too long is closed with
// 4029; one whose monthly quota is spent has every socket closed with 4030 and the quota error. All
// the while another tenant's socket on the same shard gets every head.
import { expect, test } from "vitest";
import { anvil, fixture, rpc } from "./fixtures";
import { openSocket, range, subscribeHeads, untilHead } from "./streamSockets";

/** One notification (10 CU) a second, and a burst of one. */
const TINY = { cuPerSecond: 10, burstCu: 10 };

async function mine(blocks: number): Promise<number> {
  for (let i = 0; i < blocks; i++) await anvil("evm_mine");
  return Number(await anvil("eth_blockNumber"));
}

/** A tenant on `plan` and another on the default plan, each with a newHeads socket on one shard. */
async function twoTenants(plan: Record<string, unknown>) {
  const [limited, other] = await Promise.all([fixture({ capabilities: ["ws"], plan }), fixture()]);
  const slow = await openSocket(limited.chain, limited.key);
  const fast = await openSocket(limited.chain, other.key);
  const [slowSub, fastSub] = await Promise.all([subscribeHeads(slow), subscribeHeads(fast)]);
  return { limited, slow, fast, slowSub, fastSub };
}

test("a rate-limited tenant gets every head, in order, no faster than its rate; the other tenant at once", async () => {
  const { slow, fast, slowSub, fastSub } = await twoTenants(TINY);
  const start = Date.now();
  const before = slow.heads(slowSub).length;
  const last = await mine(5);
  await untilHead(fast, fastSub, last);
  const elapsed = (Date.now() - start) / 1000;
  // Over T seconds a tenant is admitted at most cuPerSecond × T + burstCu: one a second, plus one,
  // plus one lease (one notification) taken before the mining began.
  expect(slow.heads(slowSub).length - before).toBeLessThanOrEqual(Math.floor(elapsed) + 2);

  await untilHead(slow, slowSub, last, 30_000);
  const got = slow.heads(slowSub);
  expect(got).toEqual(range(got[0] as number, got.at(-1) as number));
  expect(fast.heads(fastSub).filter((n) => n >= (got[0] as number) && n <= last)).toEqual(
    range(got[0] as number, last),
  );
  expect(slow.closedWith()).toBeUndefined();
  slow.ws.close();
  fast.ws.close();
}, 60_000);

test("a tenant whose heads would wait over 10 s of its rate is closed with 4029; the other gets every head", async () => {
  const { slow, fast, slowSub, fastSub } = await twoTenants(TINY);
  const first = Number(await anvil("eth_blockNumber")) + 1;
  const last = await mine(25);
  expect(await slow.closed).toEqual({
    code: 4029,
    reason:
      "rate limit: notifications waiting over 10 s at this plan's 10 CU/s; subscribe to less or reconnect with resumeAfter",
  });
  await untilHead(fast, fastSub, last);
  expect(fast.heads(fastSub).filter((n) => n >= first && n <= last)).toEqual(range(first, last));
  // What the closed socket got before the close came in order, without a gap, and not all of it.
  const got = slow.heads(slowSub);
  if (got.length > 0) expect(got).toEqual(range(got[0] as number, got.at(-1) as number));
  expect(got.filter((n) => n >= first).length).toBeLessThan(25);

  const next = await mine(1);
  await untilHead(fast, fastSub, next);
  fast.ws.close();
}, 60_000);

test("a tenant whose monthly quota is spent has every socket closed with 4030 and the quota error; the other is served", async () => {
  const monthlyCu = 60;
  const { limited, slow, fast, slowSub, fastSub } = await twoTenants({ monthlyCu });
  const second = await openSocket(limited.chain, limited.key);
  const secondSub = await subscribeHeads(second);
  // The two eth_subscribe calls spent 20 CU: 40 CU, 4 notifications, remain at most.
  for (let i = 0; i < 10 && !(slow.closedWith() && second.closedWith()); i++) {
    await untilHead(fast, fastSub, await mine(1));
  }
  const [closed, closedToo] = await Promise.all([slow.closed, second.closed]);
  expect(closed.code).toBe(4030);
  expect(closed.reason).toMatch(
    /^monthly quota exhausted: this plan allows 60 CU per month, and it renews at /,
  );
  expect(closedToo).toEqual(closed);
  const received = slow.heads(slowSub).length + second.heads(secondSub).length;
  expect(received).toBeGreaterThanOrEqual(1);
  expect(20 + received * 10).toBeLessThanOrEqual(monthlyCu);

  // Over HTTP the key gets the same error (once this isolate's lease, if it holds one, is spent).
  let refused: { error: { code: number; message: string } } | undefined;
  for (let i = 0; i < 10 && !refused; i++) {
    const res = await rpc(limited, '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}');
    if (res.status === 429) refused = await res.json();
  }
  expect(refused?.error).toMatchObject({ code: -32005, message: closed.reason });

  const next = await mine(1);
  await untilHead(fast, fastSub, next);
  fast.ws.close();
}, 60_000);
