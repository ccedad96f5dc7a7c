// Screening of eth_sendRawTransaction against the sanctions snapshot, inside workerd with anvil as the
// upstream: signed by anvil's own keys, refused in every shape a transaction can come in, before any
// upstream sees it, with an audit row; unlisted ones go through; a flagging plan sends them on.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type Hex, keccak256, parseGwei } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { beforeEach, expect, test, vi } from "vitest";
import { publish } from "../../shared/stores/sanctions";
import worker from "../../workers/gateway/src/index";
import { admin, anvil, BASE, type Fixture, fireCron, fixture, resetSanctions, rpc } from "./fixtures";

const MNEMONIC = "test test test test test test test test test test test junk";
const account = (addressIndex: number) => mnemonicToAccount(MNEMONIC, { addressIndex });
const [alice, bob, carol, dave, erin] = [account(5), account(6), account(7), account(8), account(9)];
const LISTED_RECIPIENT = `0x${"d0".repeat(20)}`;

/** Publishes a snapshot holding `addresses` through the sanctions job; its version. */
async function sanction(addresses: string[]): Promise<number> {
  const url = `${env.TEST_LIST_URL}/lists/screening-${crypto.randomUUID()}.txt`;
  await fetch(url, { method: "PUT", body: addresses.join("\n") });
  await admin("POST", "/sanction-sources", { kind: "list", name: `list-${crypto.randomUUID()}`, url });
  await fireCron("0 * * * *");
  const { sanctions } = await admin<{ sanctions: { current: { version: number } } }>(
    "GET",
    "/compliance/report",
  );
  return sanctions.current.version;
}

/** A signed transfer from `from`; `value` tells transactions with the same nonce apart. */
async function signed(
  from: ReturnType<typeof mnemonicToAccount>,
  to: string,
  value = 1n,
  extra: Record<string, unknown> = {},
): Promise<Hex> {
  const nonce = Number(await anvil("eth_getTransactionCount", [from.address, "pending"]));
  return from.signTransaction({
    chainId: 31337,
    nonce,
    to: to as Hex,
    value,
    gas: 100_000n,
    maxFeePerGas: parseGwei("20"),
    maxPriorityFeePerGas: parseGwei("1"),
    ...extra,
  } as Parameters<typeof from.signTransaction>[0]);
}

/** The call's JSON; `id` null makes it a notification. */
const send = (raw: Hex, id: number | null = 1) =>
  JSON.stringify({
    jsonrpc: "2.0",
    ...(id === null ? {} : { id }),
    method: "eth_sendRawTransaction",
    params: [raw],
  });
const seenByNode = async (raw: Hex) => (await anvil("eth_getTransactionByHash", [keccak256(raw)])) !== null;

async function overWebSocket(f: Fixture, body: string): Promise<Record<string, unknown>> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${f.chain}/${f.key}`, { headers: { upgrade: "websocket" } }),
  );
  const ws = res.webSocket as WebSocket;
  ws.accept();
  const frame = new Promise<Record<string, unknown>>((resolve) =>
    ws.addEventListener("message", (e) => resolve(JSON.parse(String(e.data)))),
  );
  ws.send(body);
  const answer = await frame;
  ws.close(1000);
  return answer;
}

const refusedRows = async () =>
  (await admin<{ refusedTransactions: Record<string, unknown>[] }>("GET", "/compliance/report"))
    .refusedTransactions;

beforeEach(resetSanctions);

test("with no snapshot yet a transaction is refused (503), or sent unscreened where the deployment allows it", async () => {
  const f = await fixture();
  const raw = await signed(alice, bob.address);
  const res = await rpc(f, send(raw));
  expect(res.status).toBe(503);
  expect(await res.json()).toMatchObject({
    id: 1,
    error: { code: -32003, data: { code: "screening_unavailable", reason: "no sanctions snapshot" } },
  });
  expect(await seenByNode(raw)).toBe(false);

  const ctx = createExecutionContext();
  const allowed = await worker.fetch(
    new Request(`${BASE}/v1/${f.chain}/${f.key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: send(raw),
    }),
    { ...env, SCREENING_WITHOUT_SNAPSHOT: "allow" },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(await allowed.json()).toEqual({ jsonrpc: "2.0", id: 1, result: keccak256(raw) });
  expect(await seenByNode(raw)).toBe(true);
});

test("a listed sender is refused as a single call, a batch item, a notification and over WebSocket, each with an audit row", async () => {
  const version = await sanction([alice.address]);
  const f = await fixture();
  const reason = `the transaction's sender ${alice.address.toLowerCase()} is on the sanctions list`;
  const error = {
    code: -32003,
    message: `transaction refused: ${reason}`,
    data: {
      reason,
      code: "sanctioned_address",
      role: "sender",
      address: alice.address.toLowerCase(),
      snapshotVersion: version,
    },
  };
  const [single, inBatch, notification, overWs] = (await Promise.all(
    [1n, 2n, 3n, 4n].map((v) => signed(alice, bob.address, v)),
  )) as [Hex, Hex, Hex, Hex];

  const res = await rpc(f, send(single));
  expect(res.status).toBe(403);
  expect(await res.json()).toMatchObject({ id: 1, error });

  const batch = await rpc(
    f,
    `[${send(inBatch, 2)},{"jsonrpc":"2.0","id":3,"method":"eth_chainId","params":[]}]`,
  );
  expect(batch.status).toBe(200);
  expect(await batch.json()).toEqual([
    { jsonrpc: "2.0", id: 2, error: expect.objectContaining(error) },
    { jsonrpc: "2.0", id: 3, result: "0x7a69" },
  ]);

  const quiet = await rpc(f, send(notification, null));
  expect(quiet.status).toBe(403);
  expect(await quiet.text()).toBe("");

  expect(await overWebSocket(f, send(overWs, 4))).toMatchObject({ id: 4, error });

  for (const raw of [single, inBatch, notification, overWs]) expect(await seenByNode(raw)).toBe(false);
  const rows = (await refusedRows()).filter((r) => r.tenantId === f.tenantId);
  expect(rows.map((r) => r.txHash)).toEqual(
    [single, inBatch, notification, overWs].map((raw) => keccak256(raw)),
  );
  expect(rows[0]).toMatchObject({
    tenantId: f.tenantId,
    keyId: f.keyId,
    chain: f.chain,
    address: alice.address.toLowerCase(),
    role: "sender",
    snapshotVersion: version,
  });
});

test("an unlisted transaction goes through; one to a listed recipient is refused", async () => {
  await sanction([alice.address, LISTED_RECIPIENT]);
  const f = await fixture();
  const clean = await signed(carol, dave.address);
  expect(await (await rpc(f, send(clean))).json()).toEqual({
    jsonrpc: "2.0",
    id: 1,
    result: keccak256(clean),
  });
  expect(await seenByNode(clean)).toBe(true);

  const toListed = await signed(carol, LISTED_RECIPIENT);
  const res = await rpc(f, send(toListed));
  expect(res.status).toBe(403);
  expect(await res.json()).toMatchObject({
    error: { data: { role: "recipient", address: LISTED_RECIPIENT } },
  });
  expect(await seenByNode(toListed)).toBe(false);
});

test("an EIP-7702 authorization signed by a listed address is refused", async () => {
  await sanction([erin.address]);
  const f = await fixture();
  const authorization = await erin.signAuthorization?.({
    address: dave.address,
    chainId: 31337,
    nonce: Number(await anvil("eth_getTransactionCount", [erin.address, "pending"])),
  });
  const raw = await signed(carol, dave.address, 1n, { type: "eip7702", authorizationList: [authorization] });
  const res = await rpc(f, send(raw));
  expect(res.status).toBe(403);
  expect(await res.json()).toMatchObject({
    error: { data: { role: "authorization signer", address: erin.address.toLowerCase() } },
  });
  expect(await seenByNode(raw)).toBe(false);
});

test("a plan that flags sends a listed transaction on and records it", async () => {
  const version = await sanction([bob.address]);
  const f = await fixture({ plan: { screening: "flag" } });
  const raw = await signed(bob, carol.address);
  expect(await (await rpc(f, send(raw))).json()).toEqual({ jsonrpc: "2.0", id: 1, result: keccak256(raw) });
  expect(await seenByNode(raw)).toBe(true);
  const { flaggedTransactions, refusedTransactions } = await admin<{
    flaggedTransactions: Record<string, unknown>[];
    refusedTransactions: unknown[];
  }>("GET", "/compliance/report");
  expect(flaggedTransactions).toEqual([
    expect.objectContaining({
      txHash: keccak256(raw),
      role: "sender",
      snapshotVersion: version,
      tenantId: f.tenantId,
    }),
  ]);
  expect(refusedTransactions.filter((r) => (r as { tenantId: string }).tenantId === f.tenantId)).toEqual([]);
});

test("a raw transaction that does not decode is refused with what is wrong", async () => {
  await sanction([alice.address]);
  const f = await fixture();
  const res = await rpc(f, send("0x02deadbeef"));
  expect(res.status).toBe(200);
  const body = await res.json<{ error: { code: number; message: string } }>();
  expect(body.error.code).toBe(-32602);
  expect(body.error.message).toMatch(/^the submitted transaction is not a signed transaction: /);
});

test("another spelling of the method, or a bundle holding a listed transaction, is refused too", async () => {
  await sanction([alice.address]);
  const f = await fixture();
  const raw = await signed(alice, bob.address);
  // Method names are case-sensitive (shared/methods/namespaces.ts): another case never reaches a node.
  const lower = await rpc(
    f,
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendrawtransaction", params: [raw] }),
  );
  expect(lower.status).toBe(200);
  expect(await lower.json()).toMatchObject({
    error: { code: -32601, data: { code: "method_not_found" } },
  });
  expect(lower.headers.get("x-upstream-attempts")).toBeNull();
  const clean = await signed(carol, dave.address);
  const bundle = await rpc(
    f,
    JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "eth_sendBundle",
      params: [{ txs: [clean, raw], blockNumber: "0x1" }],
    }),
  );
  expect(bundle.status).toBe(403);
  expect(await seenByNode(raw)).toBe(false);
});

test("an isolate reads the set the job published to KV once a minute; a malformed value is not screened against", async () => {
  const f = await fixture();
  const raw = await signed(alice, bob.address);
  // Another isolate's job published it: this one learns of it from KV only, within a minute.
  await publish(env.CONFIG_KV, {
    version: 42,
    hash: "h",
    at: new Date().toISOString(),
    addresses: [alice.address.toLowerCase()],
  });
  vi.useFakeTimers({ toFake: ["Date"] });
  try {
    vi.setSystemTime(Date.now() + 61_000);
    const res = await rpc(f, send(raw));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { data: { code: "sanctioned_address", snapshotVersion: 42 } },
    });

    await env.CONFIG_KV.put("sanctions:v1:current", JSON.stringify({ version: 43 }));
    vi.setSystemTime(Date.now() + 61_000);
    // Not a set: this isolate keeps the one it holds.
    expect(await (await rpc(f, send(raw))).json()).toMatchObject({
      error: { data: { snapshotVersion: 42 } },
    });
  } finally {
    vi.useRealTimers();
  }
  expect(await seenByNode(raw)).toBe(false);
});
