// Abusive requests, from the attacker's side (what the refusal looks like) and the victim's (another
// tenant, and the attacker's next normal call, are still served): deep nesting, duplicate keys, a bad
// Content-Length, an oversized body, a WebSocket frame over its byte limit.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, test } from "vitest";
import { BASE, call, type Fixture, fixture, rpc } from "./fixtures";

let attacker: Fixture;
let victim: Fixture;
beforeAll(async () => {
  [attacker, victim] = await Promise.all([
    fixture({ plan: { wsMaxMessageBytes: 1024 } }),
    fixture({ plan: { wsMaxMessageBytes: 1024 } }),
  ]);
});

const CHAIN_ID = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}';
const nested = (levels: number, inner: string) => `${"[".repeat(levels)}${inner}${"]".repeat(levels)}`;

/** Both tenants' normal calls are answered 200 with anvil's chain id. */
async function bothStillServed() {
  for (const f of [attacker, victim]) {
    const res = await rpc(f, CHAIN_ID);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
  }
}

function invalidRequest(message: RegExp | string) {
  return {
    jsonrpc: "2.0",
    id: null,
    error: { code: -32600, message: expect.stringMatching(message), data: { code: "invalid_request" } },
  };
}

describe("JSON nested deeper than 64 levels", () => {
  const NESTING = /^invalid request: JSON nesting deeper than the limit of 64 levels/;
  const bodies = {
    eth_getBlockByNumber: (levels: number) =>
      `{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":[${nested(levels, '"0x0"')},false]}`,
    eth_getLogs: (levels: number) =>
      `{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"address":${nested(levels, '"0x0"')}}]}`,
  };

  test.each([
    ["eth_getBlockByNumber", 1_000],
    ["eth_getBlockByNumber", 5_000],
    ["eth_getLogs", 1_000],
    ["eth_getLogs", 5_000],
  ] as const)("%s with params %i levels deep gets 400 -32600, never 500", async (method, levels) => {
    const res = await rpc(attacker, bodies[method](levels));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(invalidRequest(NESTING));
    expect(res.headers.get("x-upstream-attempts")).toBeNull();
    await bothStillServed();
  });

  test("nesting exactly at the limit goes to the node as before", async () => {
    // The call object is level 1, params 2, its object 3: 61 more arrays make 64.
    const res = await rpc(attacker, bodies.eth_getLogs(61));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: number; error?: { code: number; data?: { code?: string } } };
    expect(body.id).toBe(1);
    expect(body.error?.data?.code).not.toBe("invalid_request");
    expect(res.headers.get("x-upstream-attempts")).toBe("1");
    await bothStillServed();
  });

  test("one level over the limit is refused", async () => {
    const res = await rpc(attacker, bodies.eth_getLogs(62));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(invalidRequest(NESTING));
  });

  test("in a batch, only the item too deep is refused, keeping its id", async () => {
    const deep = bodies.eth_getLogs(5_000).replace('"id":1', '"id":"deep"');
    const res = await rpc(attacker, `[${deep},${CHAIN_ID}]`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { ...invalidRequest(NESTING), id: "deep" },
      { jsonrpc: "2.0", id: 1, result: "0x7a69" },
    ]);
    await bothStillServed();
  });
});

describe("duplicate keys in a call object", () => {
  test.each([
    ["method", '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","method":"eth_sendRawTransaction"}'],
    ["params", '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[],"params":["0x0","latest"]}'],
  ])('a repeated "%s" gets 400 -32600 naming it, keeping the id', async (key, body) => {
    const res = await rpc(attacker, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      ...invalidRequest(`the key "${key}" appears more than once in the request object`),
      id: 1,
    });
    expect(res.headers.get("x-upstream-attempts")).toBeNull();
    await bothStillServed();
  });
});

describe("Content-Length", () => {
  test.each(["abc", "-1", "1e3", "1.5", "12, 12"])('"%s" gets 400 invalid_request', async (length) => {
    const res = await rpc(attacker, CHAIN_ID, { "content-length": length });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(invalidRequest(`invalid Content-Length header "${length}"`));
    await bothStillServed();
  });
});

describe("a body over MAX_BODY_BYTES", () => {
  const TWO_MIB = 2 * 1024 * 1024;
  const TOO_LARGE = {
    jsonrpc: "2.0",
    id: null,
    error: {
      code: -32600,
      message: `request body is larger than ${env.MAX_BODY_BYTES} bytes: split it into smaller requests`,
      data: { code: "body_too_large" },
    },
  };

  test("a 2 MiB body gets 413 with the JSON-RPC error", async () => {
    const res = await rpc(
      attacker,
      `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":["${"a".repeat(TWO_MIB)}"]}`,
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(TOO_LARGE);
    await bothStillServed();
  });

  test("is read to its end before the 413, so a client sending it all first sees the answer", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= TWO_MIB) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await call(`/v1/${attacker.chain}/${attacker.key}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "content-length": String(TWO_MIB) },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(TOO_LARGE);
    expect(pulled).toBe(TWO_MIB);
    await bothStillServed();
  });
});

describe("WebSocket frame size counts bytes", () => {
  async function open(f: Fixture) {
    const res = await exports.default.fetch(
      new Request(`${BASE}/v1/${f.chain}/${f.key}`, { headers: { upgrade: "websocket" } }),
    );
    expect(res.status).toBe(101);
    const ws = res.webSocket as WebSocket;
    ws.accept();
    const frames: { id: unknown; result?: unknown; error?: { message: string; data: { code: string } } }[] =
      [];
    ws.addEventListener("message", (e) => void frames.push(JSON.parse(String(e.data))));
    const next = async () => {
      const end = Date.now() + 10_000;
      while (frames.length === 0) {
        if (Date.now() > end) throw new Error("no frame");
        await new Promise((r) => setTimeout(r, 20));
      }
      return frames.shift();
    };
    return { ws, next };
  }

  test("a frame of multi-byte characters over the byte limit is refused, and the socket still serves", async () => {
    const [bad, good] = [await open(attacker), await open(victim)];
    // 400 three-byte characters: under 1024 UTF-16 code units, 1,200 bytes and more in UTF-8.
    const frame = JSON.stringify({ jsonrpc: "2.0", id: 7, method: "eth_chainId", params: ["€".repeat(400)] });
    expect(frame.length).toBeLessThan(1024);
    const bytes = new TextEncoder().encode(frame).byteLength;
    bad.ws.send(frame);
    expect(await bad.next()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32005,
        message: `frame of ${bytes} bytes exceeds this plan's limit of 1024: split the batch`,
        data: { code: "stream_limit_exceeded" },
      },
    });
    for (const socket of [bad, good]) {
      socket.ws.send(CHAIN_ID);
      expect(await socket.next()).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
    }
    bad.ws.close();
    good.ws.close();
    await bothStillServed();
  });
});
