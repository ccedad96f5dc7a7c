// A key's own allowlists on the request path, from both sides: the origin, address, chain, method
// or contract a key does not allow is refused with 403 naming the rule (a batch refuses only the
// items that break one), the key secret skips them, and another tenant's key is still served.
// Over HTTP, at the WebSocket upgrade and on its frames, and in the CORS preflight.
import { runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { type Hex, keccak256, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, test } from "vitest";
import { admin, anvil, BASE, type Fixture, fixture, rpc } from "./fixtures";
import { firstShard, openSocket, type Socket } from "./streamSockets";

const A = "0x00000000000000000000000000000000000000aa";
const B = "0x00000000000000000000000000000000000000bb";

interface RuleKey {
  key: string;
  id: string;
  secret: string;
}

/** A second key of `f`'s tenant with these lists. */
function keyWith(f: Fixture, lists: Record<string, string[]>): Promise<RuleKey> {
  return admin<RuleKey>("POST", `/tenants/${f.tenantId}/keys`, { name: "restricted", ...lists });
}

/** POSTs `body` to `chain` with `key` and these headers; the status and the JSON answer. */
async function post(chain: string, key: string, body: string, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${chain}/${key}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    }),
  );
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> | Record<string, unknown>[],
  };
}

const chainId = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}';
const served = { jsonrpc: "2.0", id: 1, result: "0x7a69" };
const refusal = (code: string) => ({
  error: expect.objectContaining({ data: expect.objectContaining({ code }) }),
});

describe("origins", () => {
  test("exact and wildcard origins pass; look-alikes, other schemes and no origin are refused", async () => {
    const f = await fixture();
    const k = await keyWith(f, { allowedOrigins: ["https://app.example.com", "https://*.example.org"] });
    for (const origin of ["https://app.example.com", "https://a.example.org", "https://a.b.example.org"]) {
      expect(await post(f.chain, k.key, chainId, { origin })).toEqual({ status: 200, body: served });
    }
    for (const origin of [
      "https://app.example.com.evil.io",
      "https://evilexample.com",
      "http://app.example.com",
      "https://example.org",
      "null",
    ]) {
      const answer = await post(f.chain, k.key, chainId, { origin });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject(refusal("origin_not_allowed"));
    }
    const none = await post(f.chain, k.key, chainId);
    expect(none.status).toBe(403);
    expect(none.body).toMatchObject(refusal("origin_not_allowed"));
    // The other key of the same tenant, and any other tenant's key, are served from that origin.
    expect(await post(f.chain, f.key, chainId, { origin: "https://evilexample.com" })).toEqual({
      status: 200,
      body: served,
    });
  });

  test("the key secret skips every list; a wrong secret is 401", async () => {
    const f = await fixture();
    const k = await keyWith(f, {
      allowedOrigins: ["https://app.example.com"],
      allowedMethods: ["net_version"],
    });
    expect(await post(f.chain, k.key, chainId, { "x-api-key-secret": k.secret })).toEqual({
      status: 200,
      body: served,
    });
    const basic = `Basic ${btoa(`${k.key}:${k.secret}`)}`;
    const res = await exports.default.fetch(
      new Request(`${BASE}/v1/${f.chain}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basic },
        body: chainId,
      }),
    );
    expect(await res.json()).toEqual(served);
    const wrong = await post(f.chain, k.key, chainId, { "x-api-key-secret": `${k.secret}x` });
    expect(wrong.status).toBe(401);
  });

  test("a preflight from an origin the key does not allow gets no Access-Control-Allow-Origin", async () => {
    const f = await fixture();
    const k = await keyWith(f, { allowedOrigins: ["https://app.example.com"] });
    const preflight = (key: string, origin: string) =>
      exports.default.fetch(
        new Request(`${BASE}/v1/${f.chain}/${key}`, {
          method: "OPTIONS",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
          },
        }),
      );
    expect(
      (await preflight(k.key, "https://app.example.com")).headers.get("access-control-allow-origin"),
    ).toBe("*");
    expect((await preflight(k.key, "https://evil.io")).headers.get("access-control-allow-origin")).toBeNull();
    expect((await preflight(f.key, "https://evil.io")).headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("addresses and chains", () => {
  test("IPv4 and IPv6 addresses and CIDRs, from CF-Connecting-IP", async () => {
    const f = await fixture();
    const k = await keyWith(f, { allowedIps: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"] });
    for (const ip of ["203.0.113.9", "2001:db8:ffff::1", "198.51.100.7", "::ffff:203.0.113.200"]) {
      expect(await post(f.chain, k.key, chainId, { "cf-connecting-ip": ip })).toEqual({
        status: 200,
        body: served,
      });
    }
    for (const ip of ["203.0.114.1", "2001:db9::1", "198.51.100.8"]) {
      const answer = await post(f.chain, k.key, chainId, { "cf-connecting-ip": ip });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject(refusal("ip_not_allowed"));
    }
    expect((await post(f.chain, k.key, chainId)).status).toBe(403);
    expect(await post(f.chain, f.key, chainId, { "cf-connecting-ip": "203.0.114.1" })).toEqual({
      status: 200,
      body: served,
    });
  });

  test("a chain outside the key's list is refused", async () => {
    const [f, other] = [await fixture(), await fixture()];
    const k = await keyWith(f, { allowedChains: [f.chain] });
    expect(await post(f.chain, k.key, chainId)).toEqual({ status: 200, body: served });
    const refused = await post(other.chain, k.key, chainId);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject(refusal("chain_not_allowed"));
  });
});

describe("methods and contracts", () => {
  test("a batch refuses only the calls whose method the key does not list; namespaces cover their methods", async () => {
    const f = await fixture();
    const k = await keyWith(f, { allowedMethods: ["eth_chainId", "net"] });
    const batch = await post(
      f.chain,
      k.key,
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
        { jsonrpc: "2.0", id: 2, method: "eth_blockNumber" },
        { jsonrpc: "2.0", id: 3, method: "net_version" },
      ]),
    );
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual([
      served,
      { jsonrpc: "2.0", id: 2, ...refusal("method_not_allowed_for_key") },
      { jsonrpc: "2.0", id: 3, result: "31337" },
    ]);
    expect((await post(f.chain, f.key, '{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"}')).status).toBe(
      200,
    );
  });

  test("eth_call, eth_estimateGas, eth_getLogs and sends are held to the key's contracts", async () => {
    const f = await fixture();
    const k = await keyWith(f, { allowedContracts: [A.toUpperCase().replace("0X", "0x")] });
    const call = (id: number, method: string, params: unknown[]) => ({ jsonrpc: "2.0", id, method, params });
    const answers = (await post(
      f.chain,
      k.key,
      JSON.stringify([
        call(1, "eth_call", [{ to: A, data: "0x" }, "latest"]),
        call(2, "eth_call", [{ to: B, data: "0x" }, "latest"]),
        call(3, "eth_estimateGas", [{ to: B }]),
        call(4, "eth_getLogs", [{ address: A, fromBlock: "0x0", toBlock: "0x0" }]),
        call(5, "eth_getLogs", [{ address: [A, B], fromBlock: "0x0", toBlock: "0x0" }]),
        call(6, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x0" }]),
      ]),
    )) as unknown as { body: { id: number; result?: unknown; error?: { data: { code: string } } }[] };
    expect(answers.body.map((a) => a.error?.data.code ?? "served")).toEqual([
      "served",
      "contract_not_allowed",
      "contract_not_allowed",
      "served",
      "contract_not_allowed",
      "contract_not_allowed",
    ]);
    // A transaction to another contract never reaches the node.
    const account = privateKeyToAccount(keccak256("0x6b6579") as Hex);
    const raw = await account.signTransaction({
      chainId: 31337,
      nonce: 0,
      to: B,
      value: 0n,
      gas: 21_000n,
      maxFeePerGas: parseGwei("20"),
      maxPriorityFeePerGas: parseGwei("1"),
    });
    const send = await post(f.chain, k.key, JSON.stringify(call(7, "eth_sendRawTransaction", [raw])));
    expect(send.body).toMatchObject(refusal("contract_not_allowed"));
    expect(await anvil("eth_getTransactionByHash", [keccak256(raw)])).toBeNull();
    // The key without lists is served the same call.
    expect(
      (await rpc(f, JSON.stringify(call(2, "eth_call", [{ to: B, data: "0x" }, "latest"])))).status,
    ).toBe(200);
  });
});

describe("WebSocket", () => {
  test("the origin is checked at the upgrade, methods and contracts on each frame", async () => {
    const f = await fixture();
    const k = await keyWith(f, {
      allowedOrigins: ["https://app.example.com"],
      allowedMethods: ["eth_chainId", "eth_subscribe", "eth_unsubscribe"],
      allowedContracts: [A],
    });
    const refused = await exports.default.fetch(
      new Request(`${BASE}/v1/${f.chain}/${k.key}`, {
        headers: { upgrade: "websocket", origin: "https://evil.io" },
      }),
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject(refusal("origin_not_allowed"));

    const socket = await openSocket(f.chain, k.key, { origin: "https://app.example.com" });
    expect(await socket.call("eth_chainId")).toMatchObject({ result: "0x7a69" });
    expect(await socket.call("eth_blockNumber")).toMatchObject(refusal("method_not_allowed_for_key"));
    expect(await socket.call("eth_subscribe", ["logs", { address: B }])).toMatchObject(
      refusal("contract_not_allowed"),
    );
    expect(await socket.call("eth_subscribe", ["logs", { address: A }])).toMatchObject({
      result: expect.any(String),
    });
    socket.ws.close(1000);
  });
});

describe("every endpoint that takes the key", () => {
  test("usage, prices and health hold the key to its origin, address and chain lists", async () => {
    const [f, other] = [await fixture(), await fixture()];
    const k = await keyWith(f, { allowedOrigins: ["https://app.example.com"], allowedChains: [f.chain] });
    const get = (path: string, headers: Record<string, string>) =>
      exports.default.fetch(new Request(`${BASE}${path}`, { headers: { "x-api-key": k.key, ...headers } }));
    const evil = { origin: "https://evil.io" };
    const app = { origin: "https://app.example.com" };
    for (const path of ["/v1/usage", "/v1/prices", `/v1/${f.chain}/health`]) {
      const refused = await get(path, evil);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject(refusal("origin_not_allowed"));
      expect((await get(path, app)).status).not.toBe(403);
    }
    const elsewhere = await get(`/v1/${other.chain}/health`, app);
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject(refusal("chain_not_allowed"));
  });
});

describe("state overrides", () => {
  test("eth_call with a state override is refused for a key with contracts; without overrides it is served", async () => {
    const f = await fixture();
    const k = await keyWith(f, { allowedContracts: [A] });
    const body = (params: unknown[]) => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params });
    const overridden = await post(
      f.chain,
      k.key,
      body([{ to: A, data: "0x" }, "latest", { [A]: { code: "0x00" } }]),
    );
    expect(overridden.status).toBe(403);
    expect(overridden.body).toMatchObject(refusal("contract_not_allowed"));
    expect((await post(f.chain, k.key, body([{ to: A, data: "0x" }, "latest"]))).status).toBe(200);
  });
});

describe("WebSocket sockets opened before a change", () => {
  test("lists set after the upgrade apply to the next frame; a rotated secret no longer exempts the socket", async () => {
    const f = await fixture();
    const k = await keyWith(f, {});
    const open = await openSocket(f.chain, k.key, { origin: "https://evil.io" });
    const shown = await openSocket(f.chain, k.key, {
      origin: "https://evil.io",
      "x-api-key-secret": k.secret,
    });
    expect(await open.call("eth_chainId")).toMatchObject({ result: "0x7a69" });
    await admin("PATCH", `/keys/${k.id}`, { allowedOrigins: ["https://app.example.com"] });
    // The frame is refused as a whole (id null), as for a key that no longer holds; the socket stays.
    const refusedWhole = async (socket: Socket) => {
      const before = socket.frames.length;
      socket.ws.send('{"jsonrpc":"2.0","id":9,"method":"eth_chainId"}');
      return socket.until((frame) => socket.frames.indexOf(frame) >= before && frame.id === null);
    };
    expect(await refusedWhole(open)).toMatchObject(refusal("origin_not_allowed"));
    expect(await shown.call("eth_chainId")).toMatchObject({ result: "0x7a69" });
    await admin("POST", `/keys/${k.id}/secret`);
    expect(await refusedWhole(shown)).toMatchObject(refusal("origin_not_allowed"));
    open.ws.close(1000);
    shown.ws.close(1000);
  });
});

describe("the shard's key check", () => {
  test("a socket whose subscription the key's new lists no longer allow is closed with 4003; one they allow stays", async () => {
    const f = await fixture();
    const k = await keyWith(f, {});
    const toB = await openSocket(f.chain, k.key);
    const toA = await openSocket(f.chain, k.key);
    const unrestricted = await openSocket(f.chain, f.key);
    expect(await toB.call("eth_subscribe", ["logs", { address: B }])).toMatchObject({
      result: expect.any(String),
    });
    expect(await toA.call("eth_subscribe", ["logs", { address: A }])).toMatchObject({
      result: expect.any(String),
    });
    expect(await unrestricted.call("eth_subscribe", ["logs", { address: B }])).toMatchObject({
      result: expect.any(String),
    });
    await admin("PATCH", `/keys/${k.id}`, { allowedContracts: [A] });
    expect(await runDurableObjectAlarm(firstShard(f.chain))).toBe(true);
    expect(await toB.closed).toEqual({
      code: 4003,
      reason: "the API key's allowlists no longer allow this socket or a subscription: reconnect",
    });
    expect(await toA.call("eth_chainId")).toMatchObject({ result: "0x7a69" });
    expect(await unrestricted.call("eth_chainId")).toMatchObject({ result: "0x7a69" });
    toA.ws.close(1000);
    unrestricted.ws.close(1000);
  });
});
