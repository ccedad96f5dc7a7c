// Tenant-signed JWTs on WebSockets, as a client sees them: the upgrade is refused with 403 and the
// rule's code as HTTP would be; an open socket's frames are held to its token's lists; the shard's
// key check (its alarm, run here at once) closes with 4002 a socket whose token expired, whose signing
// key was disabled, or whose key now requires a JWT it lacks. Other sockets and tenants are served.
import { runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { admin, BASE, type Fixture, fixture, rpc } from "./fixtures";
import { register, token } from "./jwtSigners";
import { type Frame, firstShard, openSocket, type Socket } from "./streamSockets";

const A = "0x00000000000000000000000000000000000000aa";
const B = "0x00000000000000000000000000000000000000bb";
const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });
const refusal = (code: string) => ({
  error: expect.objectContaining({ data: expect.objectContaining({ code }) }),
});
const chainIdAnswer = { result: "0x7a69" };
const JWT_CLOSED = { code: 4002, reason: expect.stringMatching(/JWT expired or is no longer valid/) };

/** An upgrade that should be refused: its status and JSON body (a 101 is accepted and closed). */
async function upgrade(chain: string, key: string, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${chain}/${key}`, { headers: { upgrade: "websocket", ...headers } }),
  );
  if (res.status === 101) {
    (res.webSocket as WebSocket).accept();
    (res.webSocket as WebSocket).close(1000);
    return { status: 101, body: undefined };
  }
  return {
    status: res.status,
    body: await res.json<{ error: { message: string; data: { code: string } } }>(),
  };
}

/** Sends eth_chainId on `socket`; the frame refusing it as a whole (id null). */
async function refusedWhole(socket: Socket): Promise<Frame> {
  const before = socket.frames.length;
  socket.ws.send('{"jsonrpc":"2.0","id":99,"method":"eth_chainId"}');
  return socket.until((frame) => socket.frames.indexOf(frame) >= before && frame.id === null);
}

/** Runs the shard's key check now instead of in 30 s. */
async function checkKeys(f: Fixture) {
  expect(await runDurableObjectAlarm(firstShard(f.chain))).toBe(true);
}

/** A second key of `f`'s tenant, with its secret. */
function newKey(f: Fixture, fields: Record<string, unknown> = {}) {
  return admin<{ key: string; id: string; secret: string }>("POST", `/tenants/${f.tenantId}/keys`, {
    name: "ws-jwt",
    ...fields,
  });
}

describe("frames under the socket's token", () => {
  test("methods and contracts claims refuse what they do not list; the socket stays open", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    const jwt = await token(signer, {
      claims: { methods: ["eth_chainId", "eth_subscribe"], contracts: [A] },
    });
    const socket = await openSocket(f.chain, f.key, bearer(jwt));
    const plain = await openSocket(f.chain, f.key);
    expect(await socket.call("eth_chainId")).toMatchObject(chainIdAnswer);
    expect(await socket.call("eth_blockNumber")).toMatchObject(refusal("method_not_allowed_for_key"));
    expect(await socket.call("eth_chainId")).toMatchObject(chainIdAnswer);
    expect(await socket.call("eth_subscribe", ["logs", { address: B }])).toMatchObject(
      refusal("contract_not_allowed"),
    );
    expect(await socket.call("eth_subscribe", ["logs", { address: A }])).toMatchObject({
      result: expect.any(String),
    });
    // The same key's socket without the token is not narrowed by it.
    expect(await plain.call("eth_blockNumber")).toMatchObject({ result: expect.any(String) });
    expect(socket.closedWith()).toBeUndefined();
    socket.ws.close(1000);
    plain.ws.close(1000);
  });
});

describe("refused upgrades, 403 with the rule's code", () => {
  test("expired, foreign, missing where required, or not listing the chain; another tenant's socket served", async () => {
    const [f, other] = [await fixture(), await fixture()];
    const signer = await register(f.tenantId, "ES256");
    const foreign = await register(other.tenantId, "ES256");
    const bystander = await openSocket(f.chain, other.key);
    const required = await newKey(f, { requireJwt: true });
    const cases: [Record<string, string>, string, string, RegExp][] = [
      [bearer(await token(signer, { iat: -7200, exp: -3600 })), f.key, "jwt_expired", /expired/],
      [bearer(await token(foreign)), f.key, "jwt_invalid", /not an active JWT key/],
      [{}, required.key, "jwt_required", /requires a JWT/],
      [
        bearer(await token(signer, { claims: { chains: ["mainnet"] } })),
        f.key,
        "chain_not_allowed",
        /chains claim/,
      ],
    ];
    for (const [headers, key, code, message] of cases) {
      const answer = await upgrade(f.chain, key, headers);
      expect(answer.status, code).toBe(403);
      expect(answer.body?.error.data.code).toBe(code);
      expect(answer.body?.error.message).toMatch(message);
    }
    // The same keys with a valid token are upgraded; the other tenant's socket is still answered.
    expect((await upgrade(f.chain, required.key, bearer(await token(signer)))).status).toBe(101);
    expect(
      (await upgrade(f.chain, f.key, bearer(await token(signer, { claims: { chains: [f.chain] } })))).status,
    ).toBe(101);
    expect(await bystander.call("eth_chainId")).toMatchObject(chainIdAnswer);
    bystander.ws.close(1000);
  });

  test("a token whose lists outgrow the socket's 2 KiB is refused at the upgrade, served over HTTP", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    // 60 addresses: over 2 KiB of state, under the 8,192 characters a token may have.
    const contracts = Array.from({ length: 60 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
    const jwt = await token(signer, { claims: { contracts } });
    const answer = await upgrade(f.chain, f.key, bearer(jwt));
    expect(answer.status).toBe(403);
    expect(answer.body?.error.data.code).toBe("jwt_invalid");
    expect(answer.body?.error.message).toMatch(/lists are too long to hold on a WebSocket/);
    const ethCall = (to: string) =>
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ to, data: "0x" }, "latest"] });
    const listed = await rpc(f, ethCall(contracts[59] as string), bearer(jwt));
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ result: "0x" });
    const unlisted = await rpc(f, ethCall(B), bearer(jwt));
    expect(unlisted.status).toBe(403);
    expect(await unlisted.json()).toMatchObject(refusal("contract_not_allowed"));
  });
});

describe("the shard's key check", () => {
  test("a disabled signing key closes its sockets with 4002; a still-active key's socket stays", async () => {
    const [f, other] = [await fixture(), await fixture()];
    const [gone, kept] = [await register(f.tenantId, "ES256"), await register(f.tenantId, "EdDSA")];
    const doomed = await openSocket(f.chain, f.key, bearer(await token(gone)));
    const stays = await openSocket(f.chain, f.key, bearer(await token(kept)));
    const bystander = await openSocket(f.chain, other.key);
    await checkKeys(f);
    expect(await doomed.call("eth_chainId")).toMatchObject(chainIdAnswer);
    await admin("PATCH", `/tenants/${f.tenantId}/jwt-keys/${gone.id}`, { status: "disabled" });
    // Before the check, its frames are refused as a whole; the check then closes it.
    expect(await refusedWhole(doomed)).toMatchObject(refusal("jwt_invalid"));
    await checkKeys(f);
    expect(await doomed.closed).toEqual(JWT_CLOSED);
    expect(await stays.call("eth_chainId")).toMatchObject(chainIdAnswer);
    expect(await bystander.call("eth_chainId")).toMatchObject(chainIdAnswer);
    expect(stays.closedWith()).toBeUndefined();
    stays.ws.close(1000);
    bystander.ws.close(1000);
  });

  test("a key that comes to require a JWT closes its sockets without one with 4002; with one, or the secret, they stay", async () => {
    const [f, other] = [await fixture(), await fixture()];
    const signer = await register(f.tenantId, "ES256");
    const k = await newKey(f);
    const bare = await openSocket(f.chain, k.key);
    const withToken = await openSocket(f.chain, k.key, bearer(await token(signer)));
    const withSecret = await openSocket(f.chain, k.key, { "x-api-key-secret": k.secret });
    const bystander = await openSocket(f.chain, other.key);
    await checkKeys(f);
    expect(await bare.call("eth_chainId")).toMatchObject(chainIdAnswer);
    await admin("PATCH", `/keys/${k.id}`, { requireJwt: true });
    await checkKeys(f);
    expect(await bare.closed).toEqual(JWT_CLOSED);
    for (const socket of [withToken, withSecret, bystander]) {
      expect(await socket.call("eth_chainId")).toMatchObject(chainIdAnswer);
      expect(socket.closedWith()).toBeUndefined();
      socket.ws.close(1000);
    }
  });

  test("a token that expires: later frames are refused with jwt_expired, and the key check closes with 4002", async () => {
    const f = await fixture();
    const signer = await register(f.tenantId, "ES256");
    // Past exp by 28 s of the 30 s of clock skew forgiven: accepted at the upgrade, lapsed 2 s later.
    const exp = Math.floor(Date.now() / 1000) - 28;
    const jwt = await token(signer, { iat: -60, exp: -28 });
    const socket = await openSocket(f.chain, f.key, bearer(jwt));
    const plain = await openSocket(f.chain, f.key);
    expect(await socket.call("eth_chainId")).toMatchObject(chainIdAnswer);
    while (Date.now() <= (exp + 30) * 1000 + 100) await new Promise((r) => setTimeout(r, 100));
    const refused = await refusedWhole(socket);
    expect(refused).toMatchObject(refusal("jwt_expired"));
    expect(refused.error?.message).toMatch(/JWT has expired/);
    expect(socket.closedWith()).toBeUndefined();
    await checkKeys(f);
    expect(await socket.closed).toEqual(JWT_CLOSED);
    expect(await plain.call("eth_chainId")).toMatchObject(chainIdAnswer);
    plain.ws.close(1000);
  });
});
