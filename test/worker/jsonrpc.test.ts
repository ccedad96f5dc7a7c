// JSON-RPC 2.0 over HTTP, as a client sees it: bodies, statuses and headers for the spec's edge cases.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, test } from "vitest";
import { call, type Fixture, fixture, rpc } from "./fixtures";

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

const chainId = (id: string) => `{"jsonrpc":"2.0","id":${id},"method":"eth_chainId"}`;

describe("ids come back byte-for-byte", () => {
  test.each([
    ["an integer above 2^53", "9007199254740993"],
    ["a long integer", "123456789012345678901234567890"],
    ["an exponent form", "1e3"],
    ["a negative fraction", "-1.50"],
    ["zero", "0"],
    ["a string with escapes", '"a\\"b\\u00e9\\\\"'],
    ["an empty string", '""'],
    ["null", "null"],
  ])("%s", async (_, id) => {
    const res = await rpc(f, chainId(id));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`{"jsonrpc":"2.0","id":${id},"result":"0x7a69"}`);
  });

  test("in a batch, each item keeps its own id and the order of the request", async () => {
    const res = await rpc(f, `[${chainId("9007199254740993")}, ${chainId('"x"')}, ${chainId("2")}]`);
    expect(await res.text()).toBe(
      '[{"jsonrpc":"2.0","id":9007199254740993,"result":"0x7a69"},{"jsonrpc":"2.0","id":"x","result":"0x7a69"},{"jsonrpc":"2.0","id":2,"result":"0x7a69"}]',
    );
  });
});

describe("edge cases of the spec", () => {
  const rows: [string, string, number, unknown][] = [
    [
      "an empty batch gets one Invalid Request error, not an array",
      "[]",
      400,
      { jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request: the batch is empty" } },
    ],
    [
      "a body that is not JSON gets a parse error",
      '{"jsonrpc":"2.0","method":',
      400,
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32700, message: "parse error: the body is not valid JSON" },
      },
    ],
    [
      'a wrong "jsonrpc" version is refused, keeping the id',
      '{"jsonrpc":"1.0","id":7,"method":"eth_chainId"}',
      400,
      {
        jsonrpc: "2.0",
        id: 7,
        error: { code: -32600, message: 'invalid request: "jsonrpc" must be exactly "2.0"' },
      },
    ],
    [
      "a missing method is refused",
      '{"jsonrpc":"2.0","id":1}',
      400,
      {
        jsonrpc: "2.0",
        id: 1,
        error: { code: -32600, message: 'invalid request: "method" must be a non-empty string' },
      },
    ],
    [
      "params that are neither array nor object are refused",
      '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":"0x1"}',
      400,
      {
        jsonrpc: "2.0",
        id: 1,
        error: { code: -32600, message: 'invalid request: "params" must be an array or an object' },
      },
    ],
    [
      "an id that is an object is refused with id null",
      '{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId"}',
      400,
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "invalid request: id must be a string, a number or null" },
      },
    ],
    [
      "a lone non-object is refused",
      "42",
      400,
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "invalid request: each request must be a JSON object" },
      },
    ],
  ];
  test.each(rows)("%s", async (_, body, status, expected) => {
    const res = await rpc(f, body);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toMatchObject(expected as object);
  });

  test("a notification gets no response body", async () => {
    const res = await rpc(f, '{"jsonrpc":"2.0","method":"eth_chainId"}');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });

  test("a batch of notifications only gets no response body", async () => {
    const res = await rpc(
      f,
      '[{"jsonrpc":"2.0","method":"eth_chainId"},{"jsonrpc":"2.0","method":"eth_blockNumber"}]',
    );
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });

  test("a mixed batch answers every request but the notification, in order", async () => {
    const res = await rpc(
      f,
      `[${chainId("1")},{"jsonrpc":"2.0","method":"eth_chainId"},{"foo":"boo"},1,{"jsonrpc":"2.0","id":"acc","method":"eth_accounts"},{"jsonrpc":"2.0","id":5,"method":"admin_peers"}]`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: unknown; result?: unknown; error?: { code: number } }[];
    expect(body.map((e) => [e.id, e.result ?? e.error?.code])).toEqual([
      [1, "0x7a69"],
      [null, -32600],
      [null, -32600],
      ["acc", []],
      [5, -32601],
    ]);
  });

  test("a wrong content type gets 415 with what to send instead", async () => {
    const res = await rpc(f, chainId("1"), { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({
      error: {
        code: -32600,
        message: 'unsupported content type "text/plain": send Content-Type: application/json',
      },
    });
  });

  test("a body over the limit gets 413", async () => {
    const limit = Number(env.MAX_BODY_BYTES);
    const body = `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":["${"a".repeat(limit)}"]}`;
    const res = await rpc(f, body);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: -32600, data: { code: "body_too_large" } } });
  });

  test("a body over the limit without a content-length also gets 413", async () => {
    const limit = Number(env.MAX_BODY_BYTES);
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > limit) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await call(`/v1/${f.chain}/${f.key}`, {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
  });

  test("a batch over the default limit of 100 is refused whole", async () => {
    const res = await rpc(f, `[${Array.from({ length: 101 }, (_, i) => chainId(String(i))).join(",")}]`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      id: null,
      error: {
        code: -32600,
        message: "batch of 101 requests exceeds this plan's limit of 100: split it into smaller batches",
        data: { code: "batch_too_large" },
      },
    });
  });

  test("a plan's own batch limit applies", async () => {
    const small = await fixture({ maxBatch: 2 });
    const ok = await rpc(small, `[${chainId("1")},${chainId("2")}]`);
    expect(ok.status).toBe(200);
    const tooBig = await rpc(small, `[${chainId("1")},${chainId("2")},${chainId("3")}]`);
    expect(tooBig.status).toBe(400);
  });
});

describe("methods", () => {
  test("eth_accounts is answered [] by the gateway, never by a node", async () => {
    const res = await rpc(f, '{"jsonrpc":"2.0","id":1,"method":"eth_accounts"}');
    expect(await res.text()).toBe('{"jsonrpc":"2.0","id":1,"result":[]}');
    expect(res.headers.get("x-upstream-id")).toBeNull();
  });

  test.each([
    "admin_nodeInfo",
    "personal_listAccounts",
    "miner_start",
    "engine_getPayloadV1",
    "txpool_content",
    "anvil_setBalance",
    "evm_mine",
  ])("%s is refused with -32601 and never reaches a node", async (method) => {
    const res = await rpc(f, `{"jsonrpc":"2.0","id":1,"method":"${method}","params":[]}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(-32601);
    expect(body.error.message).toContain(method);
    expect(res.headers.get("x-upstream-id")).toBeNull();
  });

  test("debug_ is refused by default, and served when the plan allows it and an upstream has debug", async () => {
    const body =
      '{"jsonrpc":"2.0","id":1,"method":"debug_traceCall","params":[{"to":"0x0000000000000000000000000000000000000000"},"latest",{}]}';
    const refused = (await (await rpc(f, body)).json()) as { error?: { data: { code: string } } };
    expect(refused.error?.data.code).toBe("method_not_allowed");
    const noDebugUpstream = await rpc(await fixture({ namespaces: ["debug"] }), body);
    expect(noDebugUpstream.status).toBe(200);
    expect(await noDebugUpstream.json()).toEqual({
      jsonrpc: "2.0",
      id: 1,
      error: {
        code: -32014,
        message: expect.stringMatching(
          /^no upstream of chain chain-\w+ can serve debug_traceCall: it needs the debug capability$/,
        ),
        data: { code: "unsupported_by_upstreams" },
      },
    });
    const allowed = await fixture({ namespaces: ["debug"], capabilities: ["debug"] });
    const res = await rpc(allowed, body);
    expect(res.headers.get("x-upstream-id")).toBe(allowed.upstreamId);
    expect(((await res.json()) as { result?: unknown }).result).toBeDefined();
  });

  test("results equal what anvil answers directly", async () => {
    const body =
      '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","latest"]}';
    const direct = await fetch(env.TEST_ANVIL_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const res = await rpc(f, body);
    expect(await res.json()).toEqual(await direct.json());
  });

  test("a revert passes through as the node said it, with HTTP 200", async () => {
    // eth_call without `to` runs the data as init code: PUSH1 0 PUSH1 0 REVERT.
    const revert = await rpc(
      f,
      '{"jsonrpc":"2.0","id":2,"method":"eth_call","params":[{"data":"0x60006000fd"},"latest"]}',
    );
    expect(revert.status).toBe(200);
    expect(await revert.json()).toMatchObject({ id: 2, error: { code: 3, message: "execution reverted" } });
  });
});

describe("routes", () => {
  test("an unknown chain is a clear 404", async () => {
    const res = await call(`/v1/nochain/${f.key}`, { method: "POST", body: chainId("1") });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: {
        code: -32010,
        message: 'unknown chain "nochain": check the chain name in the URL',
        data: { code: "chain_not_found" },
      },
    });
  });

  test("GET says to use POST", async () => {
    const res = await call(`/v1/${f.chain}/${f.key}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/POST/);
  });

  test("every response carries x-request-id, and a client's own id is kept", async () => {
    const own = await rpc(f, chainId("1"), { "x-request-id": "client-req-123" });
    expect(own.headers.get("x-request-id")).toBe("client-req-123");
    const made = [await rpc(f, "[]"), await rpc(f, "[]")].map((r) => r.headers.get("x-request-id"));
    expect(made[0]).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
    expect(made[1]).not.toBe(made[0]);
    const hostile = await rpc(f, chainId("1"), { "x-request-id": "<script>" });
    expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
  });

  test("browsers may call it cross-origin", async () => {
    const res = await call(`/v1/${f.chain}/${f.key}`, {
      method: "OPTIONS",
      headers: {
        origin: "https://dapp.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toContain("content-type");
    const post = await rpc(f, chainId("1"), { origin: "https://dapp.example" });
    expect(post.headers.get("access-control-allow-origin")).toBe("*");
    expect(post.headers.get("access-control-expose-headers")).toBe(
      "x-request-id, x-upstream-id, x-upstream-attempts, x-cache, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after",
    );
    const refused = await rpc(f, "[]", { origin: "https://dapp.example" });
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
  });
});
