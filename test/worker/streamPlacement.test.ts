// Placement under load and failure: a region's directory that cannot answer (here held busy) delays
// neither the shard's key check (revoked keys' sockets are closed, the rest renewed) nor the refusal
// of a tenant over its socket cap, which never reaches the directory; when every shard tried is full
// the client gets HTTP 503 with retry-after and a JSON-RPC error saying so, and its retry opens; an
// operator's view of the shards asks only the regions that have had them.
import {
  createExecutionContext,
  listDurableObjectIds,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { directoryStub, REGIONS, type StreamRegion } from "../../shared/stream/placement";
import gateway from "../../workers/gateway/src/index";
import { admin, BASE, type Fixture, fixture } from "./fixtures";
import { firstShard, openSocket, socketOf } from "./streamSockets";

/**
 * Holds the directory of `chain`'s shards in `region` busy (no call to it is answered) until the
 * returned function is called.
 */
async function holdBusy(chain: string, region: StreamRegion): Promise<() => Promise<void>> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  // A flag, not a promise: what the object resolved would run the test on in the object's context.
  let busy = false;
  const done = runInDurableObject(directoryStub(env, chain, region), (_instance, state) =>
    state.blockConcurrencyWhile(() => {
      busy = true;
      return released;
    }),
  );
  while (!busy) await new Promise((r) => setTimeout(r, 5));
  return async () => {
    release();
    await done;
  };
}

interface Shard {
  region: string;
  index: number;
  sockets: number;
}

async function untilShards(f: Fixture, expected: Shard[]): Promise<Shard[]> {
  const end = Date.now() + 10_000;
  for (;;) {
    const { shards } = await admin<{ shards: Shard[] }>("GET", `/metrics/${f.chain}/stream`);
    if (JSON.stringify(shards) === JSON.stringify(expected) || Date.now() > end) return shards;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An upgrade through the gateway with `settings`, from a client in Europe. */
async function upgrade(f: Fixture, settings: Record<string, string | undefined>): Promise<Response> {
  const request = new Request(`${BASE}/v1/${f.chain}/${f.key}`, {
    headers: { upgrade: "websocket" },
    cf: { continent: "EU", country: "DE", longitude: "8.68" },
  }) as unknown as Request<unknown, IncomingRequestCfProperties>;
  return gateway.fetch(request, { ...env, ...settings }, createExecutionContext());
}

test("the key check closes a revoked key's sockets while the region's directory cannot answer", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const sockets = [await openSocket(f.chain, f.key), await openSocket(f.chain, f.key)];
  expect(await untilShards(f, [{ region: "enam", index: 0, sockets: 2 }])).toHaveLength(1);
  await admin("DELETE", `/keys/${f.keyId}`);

  const release = await holdBusy(f.chain, "enam");
  try {
    expect(await runDurableObjectAlarm(firstShard(f.chain))).toBe(true);
    for (const socket of sockets) {
      expect(await socket.closed).toEqual({ code: 4001, reason: "API key revoked or invalid" });
    }
  } finally {
    await release();
  }
  // Once the directory answers again, the shard's last report reaches it: the shard is empty.
  expect(await untilShards(f, [])).toEqual([]);
});

test("a tenant at its socket cap is refused without the region's directory, which may be busy", async () => {
  const f = await fixture({ capabilities: ["ws"], plan: { wsMaxConnections: 1 } });
  const socket = await openSocket(f.chain, f.key);
  expect(await untilShards(f, [{ region: "enam", index: 0, sockets: 1 }])).toHaveLength(1);

  const release = await holdBusy(f.chain, "enam");
  try {
    const res = await upgrade(f, {});
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32005,
        message: "this plan allows 1 open WebSockets per tenant: close one before opening another",
        data: { code: "stream_limit_exceeded" },
      },
    });
  } finally {
    await release();
  }
  expect(await untilShards(f, [{ region: "enam", index: 0, sockets: 1 }])).toHaveLength(1);
  socket.ws.close();
});

test("every shard tried full: HTTP 503 with retry-after and a JSON-RPC error; the retry opens, the refused place released", async () => {
  // One socket per shard, and the tenant's cap at 5 sockets.
  const f = await fixture({ capabilities: ["ws"], plan: { wsMaxConnections: 5 } });
  const cap1 = { STREAM_SHARD_SOCKETS: "1", STREAM_REGION: undefined };
  const sockets = [];
  for (let i = 0; i < 4; i++) sockets.push(socketOf(await upgrade(f, cap1)));
  const four = [0, 1, 2, 3].map((index) => ({ region: "weur", index, sockets: 1 }));
  expect(await untilShards(f, four)).toEqual(four);
  // Counts the directory got wrong (reports lost): it sends the next socket to the four full shards in turn.
  for (const index of [0, 1, 2, 3]) await directoryStub(env, f.chain, "weur").report({ index, sockets: 0 });

  const res = await upgrade(f, cap1);
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe("1");
  expect(await res.json()).toEqual({
    jsonrpc: "2.0",
    id: null,
    error: {
      code: -32005,
      message:
        "every WebSocket shard of this chain tried in your region is at capacity: open the socket again in 1 s",
      data: { code: "stream_at_capacity", retryAfter: 1 },
    },
  });
  // The full shards told the directory their counts: the retry opens on a fifth shard, the tenant's
  // fifth socket (the refused upgrade holds no place of the five).
  sockets.push(socketOf(await upgrade(f, cap1)));
  const five = [0, 1, 2, 3, 4].map((index) => ({ region: "weur", index, sockets: 1 }));
  expect(await untilShards(f, five)).toEqual(five);
  for (const socket of sockets) socket.ws.close();
});

test("the operator's view of a chain's shards creates no directory in a region that never had a socket", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const socket = socketOf(await upgrade(f, { STREAM_REGION: undefined }));
  expect(await untilShards(f, [{ region: "weur", index: 0, sockets: 1 }])).toHaveLength(1);

  const ids = (await listDurableObjectIds(env.SHARD_DIRECTORY)).map(String);
  const created = REGIONS.filter((region) =>
    ids.includes(String(env.SHARD_DIRECTORY.idFromName(`${f.chain}/${region}`))),
  );
  expect(created).toEqual(["weur"]);
  socket.ws.close();
});
