// Shards per region: a socket joins a shard of its chain in its region (from `cf`, or STREAM_REGION),
// a region's shards hold at most STREAM_SHARD_SOCKETS sockets each (3 here), new sockets fill the
// lowest shard below the cap, and shards drain as sockets leave. Observed as an operator sees it: the
// shards holding sockets, from GET /admin/v1/metrics/:chain/stream. Upgrades go through the gateway's
// own handler with each test's settings (the bindings it reads at the upgrade) and client `cf`.
import { createExecutionContext, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { directoryStub, regionOfCf, shardName, shardStub } from "../../shared/stream/placement";
import gateway from "../../workers/gateway/src/index";
import { admin, anvil, BASE, type Fixture, fixture } from "./fixtures";
import { range, type Socket, socketOf, subscribeHeads, untilHead } from "./streamSockets";

interface Shard {
  region: string;
  index: number;
  sockets: number;
}

/** Settings of a deployment whose shards hold 3 sockets, its region from each client's `cf`. */
const CAP_3 = { STREAM_SHARD_SOCKETS: "3", STREAM_REGION: undefined };

/** A socket through the gateway under `settings`, from a client at `cf`, sending `headers`. */
async function open(
  f: Fixture,
  settings: Record<string, string | undefined>,
  cf: Record<string, string> | undefined,
  headers: Record<string, string> = {},
): Promise<Socket> {
  // A client's `cf` as the edge sets it: these few fields are the ones the region is read from.
  const request = new Request(`${BASE}/v1/${f.chain}/${f.key}`, {
    headers: { upgrade: "websocket", ...headers },
    ...(cf && { cf }),
  }) as unknown as Request<unknown, IncomingRequestCfProperties>;
  return socketOf(await gateway.fetch(request, { ...env, ...settings }, createExecutionContext()));
}

const shardsOf = async (f: Fixture) =>
  (await admin<{ shards: Shard[] }>("GET", `/metrics/${f.chain}/stream`)).shards;

/** The chain's shards once the admin view shows `expected` (the last view otherwise). */
async function untilShards(f: Fixture, expected: Shard[]): Promise<Shard[]> {
  const end = Date.now() + 10_000;
  for (;;) {
    const shards = await shardsOf(f);
    if (JSON.stringify(shards) === JSON.stringify(expected) || Date.now() > end) return shards;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function mine(blocks: number): Promise<number> {
  for (let i = 0; i < blocks; i++) await anvil("evm_mine");
  return Number(await anvil("eth_blockNumber"));
}

const EU = { continent: "EU", country: "DE", longitude: "8.68" };
const ASIA = { continent: "AS", country: "JP", longitude: "139.69" };

test("7 sockets with 3 per shard use 3 shards; each socket receives every head in order", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const sockets: Socket[] = [];
  const subs: string[] = [];
  for (let i = 0; i < 7; i++) {
    const socket = await open(f, CAP_3, EU);
    sockets.push(socket);
    subs.push(await subscribeHeads(socket));
  }
  const expected = [
    { region: "weur", index: 0, sockets: 3 },
    { region: "weur", index: 1, sockets: 3 },
    { region: "weur", index: 2, sockets: 1 },
  ];
  expect(await untilShards(f, expected)).toEqual(expected);

  const first = Number(await anvil("eth_blockNumber")) + 1;
  const last = await mine(3);
  for (const [i, socket] of sockets.entries()) {
    const sub = subs[i] as string;
    await untilHead(socket, sub, last);
    // Every head from the first the socket got, once each, in order.
    const heads = socket.heads(sub);
    expect(heads[0]).toBeLessThanOrEqual(first);
    expect(heads).toEqual(range(heads[0] as number, last));
  }
  for (const socket of sockets) socket.ws.close();
});

test("7 sockets opened at once with 3 per shard: no shard holds more than 3", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const sockets = await Promise.all(Array.from({ length: 7 }, () => open(f, CAP_3, EU)));
  const full = [0, 1, 2].map((index) => ({ region: "weur", index, sockets: index === 2 ? 1 : 3 }));
  const shards = await untilShards(f, full);
  expect(shards.every((s) => s.sockets <= 3)).toBe(true);
  expect(shards.reduce((n, s) => n + s.sockets, 0)).toBe(7);
  expect(shards).toHaveLength(3);
  for (const socket of sockets) socket.ws.close();
});

test("a full shard refuses a socket its directory sent from a stale count, and the socket joins the next", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const sockets = [await open(f, CAP_3, EU), await open(f, CAP_3, EU), await open(f, CAP_3, EU)];
  expect(await untilShards(f, [{ region: "weur", index: 0, sockets: 3 }])).toHaveLength(1);
  // A count the directory got wrong (a report lost): it sends the next socket to the full shard.
  await directoryStub(env, f.chain, "weur").report({ index: 0, sockets: 0 });
  sockets.push(await open(f, CAP_3, EU));
  const expected = [
    { region: "weur", index: 0, sockets: 3 },
    { region: "weur", index: 1, sockets: 1 },
  ];
  expect(await untilShards(f, expected)).toEqual(expected);
  for (const socket of sockets) socket.ws.close();
});

test("closed sockets shrink their shards, and new sockets fill the lowest shard first", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const sockets: Socket[] = [];
  for (let i = 0; i < 7; i++) sockets.push(await open(f, CAP_3, EU));
  const full = [0, 1, 2].map((index) => ({ region: "weur", index, sockets: index === 2 ? 1 : 3 }));
  expect(await untilShards(f, full)).toEqual(full);

  // The first shard's three and the third shard's one leave.
  for (const i of [0, 1, 2, 6]) sockets[i]?.ws.close();
  expect(await untilShards(f, [{ region: "weur", index: 1, sockets: 3 }])).toEqual([
    { region: "weur", index: 1, sockets: 3 },
  ]);

  const refill = [await open(f, CAP_3, EU), await open(f, CAP_3, EU)];
  const expected = [
    { region: "weur", index: 0, sockets: 2 },
    { region: "weur", index: 1, sockets: 3 },
  ];
  expect(await untilShards(f, expected)).toEqual(expected);

  // The refilled shard attached to the feed again: its sockets receive the next head.
  const subs = await Promise.all(refill.map(subscribeHeads));
  const head = await mine(1);
  await Promise.all(refill.map((socket, i) => untilHead(socket, subs[i] as string, head)));
  for (const socket of [...sockets.slice(3, 6), ...refill]) socket.ws.close();
});

test("an evicted directory and shard keep their counts; a shard whose sockets were cut unheard corrects them", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const sockets: Socket[] = [];
  for (let i = 0; i < 4; i++) sockets.push(await open(f, CAP_3, EU));
  const subs = await Promise.all(sockets.map(subscribeHeads));
  const counts = [
    { region: "weur", index: 0, sockets: 3 },
    { region: "weur", index: 1, sockets: 1 },
  ];
  expect(await untilShards(f, counts)).toEqual(counts);

  const first = shardStub(env, shardName(f.chain, "weur", 0));
  await evictDurableObject(directoryStub(env, f.chain, "weur"));
  await evictDurableObject(first);
  expect(await shardsOf(f)).toEqual(counts);
  const head = await mine(1);
  await Promise.all(sockets.map((socket, i) => untilHead(socket, subs[i] as string, head)));

  // A redeploy: the first shard's sockets are cut and it never hears of their close.
  await evictDurableObject(first, { webSockets: "close" });
  await Promise.all(sockets.slice(0, 3).map((socket) => socket.closed));
  expect(await shardsOf(f)).toEqual(counts);
  // Its next key check reports it empty, and the next socket fills it first.
  expect(await runDurableObjectAlarm(first)).toBe(true);
  const next = await open(f, CAP_3, EU);
  const after = [
    { region: "weur", index: 0, sockets: 1 },
    { region: "weur", index: 1, sockets: 1 },
  ];
  expect(await untilShards(f, after)).toEqual(after);
  sockets[3]?.ws.close();
  next.ws.close();
});

test("sockets from two regions land on shards of their own regions, and both receive heads", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const europe = await open(f, CAP_3, EU);
  const asia = await open(f, CAP_3, ASIA);
  const expected = [
    { region: "weur", index: 0, sockets: 1 },
    { region: "apac", index: 0, sockets: 1 },
  ];
  expect(await untilShards(f, expected)).toEqual(expected);

  const [eu, as] = [await subscribeHeads(europe), await subscribeHeads(asia)];
  const head = await mine(1);
  await untilHead(europe, eu, head);
  await untilHead(asia, as, head);
  europe.ws.close();
  asia.ws.close();
});

test("a client cannot choose its region or the shard cap with headers", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const forged = { "x-stream-region": "apac", "x-stream-cap": "1", "x-stream-shard": `${f.chain}/apac/0` };
  const sockets = [await open(f, CAP_3, EU, forged), await open(f, CAP_3, EU, forged)];
  const expected = [{ region: "weur", index: 0, sockets: 2 }];
  expect(await untilShards(f, expected)).toEqual(expected);

  // Without a cf region, STREAM_REGION places it (here as in the other worker tests).
  const local = await open(f, {}, undefined, forged);
  const withLocal = [{ region: "enam", index: 0, sockets: 1 }, ...expected];
  expect(await untilShards(f, withLocal)).toEqual(withLocal);
  for (const socket of [...sockets, local]) socket.ws.close();
});

test("the region of a client is its continent's Durable Object location hint", () => {
  expect(regionOfCf({ continent: "NA", country: "US", longitude: "-74.0" })).toBe("enam");
  expect(regionOfCf({ continent: "NA", country: "US", longitude: "-122.4" })).toBe("wnam");
  expect(regionOfCf({ continent: "SA", country: "BR" })).toBe("sam");
  expect(regionOfCf(EU)).toBe("weur");
  expect(regionOfCf(ASIA)).toBe("apac");
  expect(regionOfCf({ continent: "AS", country: "AE" })).toBe("me");
  expect(regionOfCf({ continent: "OC", country: "AU" })).toBe("oc");
  expect(regionOfCf({ continent: "AF", country: "ZA" })).toBe("afr");
  expect(regionOfCf({})).toBeUndefined();
  expect(regionOfCf(undefined)).toBeUndefined();
});
