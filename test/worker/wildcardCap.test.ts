// Wildcard subscriptions (logs without an address, newPendingTransactions) are capped per tenant
// over all its sockets: one over the plan's cap is refused with a JSON-RPC error that says what to
// do, while address-filtered logs and other tenants are still served; an unsubscribe or a closed
// socket frees a place.
import { expect, test } from "vitest";
import { fixture } from "./fixtures";
import { openSocket, type Socket } from "./streamSockets";

const ADDRESS = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const TOPIC = `0x${"ab".repeat(32)}`;
const REFUSAL = {
  code: -32005,
  message:
    "this plan allows 2 wildcard subscriptions per tenant (logs without an address, newPendingTransactions): add an address filter or unsubscribe one",
  data: { code: "stream_limit_exceeded", maxWildcardSubscriptions: 2 },
};

async function subscribed(socket: Socket, params: unknown[]): Promise<string> {
  const answer = await socket.call("eth_subscribe", params);
  expect(answer.error).toBeUndefined();
  expect(answer.result).toMatch(/^0x[0-9a-f]{32}$/);
  return answer.result as string;
}

test("a third wildcard subscription of a tenant is refused on another socket; filtered logs and other tenants are not", async () => {
  const [tenant, other] = await Promise.all([
    fixture({ capabilities: ["ws"], plan: { wsMaxWildcardSubscriptions: 2 } }),
    fixture(),
  ]);
  const a = await openSocket(tenant.chain, tenant.key);
  const b = await openSocket(tenant.chain, tenant.key);
  await subscribed(a, ["logs"]);
  await subscribed(a, ["newPendingTransactions"]);

  for (const params of [["logs"], ["logs", {}], ["logs", { topics: [TOPIC] }], ["newPendingTransactions"]]) {
    expect((await b.call("eth_subscribe", params)).error).toEqual(REFUSAL);
  }
  await subscribed(b, ["logs", { address: ADDRESS }]);
  await subscribed(b, ["logs", { address: [ADDRESS], topics: [TOPIC] }]);
  await subscribed(b, ["newHeads"]);

  const theirs = await openSocket(tenant.chain, other.key);
  await subscribed(theirs, ["logs"]);
  await subscribed(theirs, ["newPendingTransactions"]);
  await subscribed(theirs, ["logs", {}]);

  expect(b.closedWith()).toBeUndefined();
  for (const s of [a, b, theirs]) s.ws.close();
});

test("an unsubscribe, or a closed socket, frees a place for another wildcard subscription", async () => {
  const tenant = await fixture({ capabilities: ["ws"], plan: { wsMaxWildcardSubscriptions: 2 } });
  const a = await openSocket(tenant.chain, tenant.key);
  const b = await openSocket(tenant.chain, tenant.key);
  const allLogs = await subscribed(a, ["logs"]);
  await subscribed(a, ["newPendingTransactions"]);
  expect((await b.call("eth_subscribe", ["logs"])).error).toEqual(REFUSAL);

  expect((await a.call("eth_unsubscribe", [allLogs])).result).toBe(true);
  await subscribed(b, ["logs"]);
  expect((await b.call("eth_subscribe", ["newPendingTransactions"])).error).toEqual(REFUSAL);

  // Closing a releases what it held (its newPendingTransactions) once the shard sees the close.
  a.ws.close();
  let answer = await b.call("eth_subscribe", ["newPendingTransactions"]);
  for (let i = 0; i < 50 && answer.error; i++) {
    expect(answer.error).toEqual(REFUSAL);
    await new Promise((r) => setTimeout(r, 100));
    answer = await b.call("eth_subscribe", ["newPendingTransactions"]);
  }
  expect(answer.error).toBeUndefined();
  expect((await b.call("eth_subscribe", ["logs", {}])).error).toEqual(REFUSAL);
  b.ws.close();
});
