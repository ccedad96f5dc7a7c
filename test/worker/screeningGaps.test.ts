// The gaps issue 17 found in screening, inside workerd with anvil as the upstream: send methods the
// gateway cannot decode (refused unless the plan lists them), EIP-7702 delegate addresses, the caps
// on bundles, authorization lists and the signatures of a whole request (checked before any signature
// is recovered), no signature recovered before the request is admitted, and the charge per
// signature. Each is tested from both sides: the refusal, and what is still served.
import { env, exports } from "cloudflare:workers";
import { type Hex, keccak256, parseEther, parseGwei } from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { beforeEach, describe, expect, test } from "vitest";
import { cuOf } from "../../shared/metering/computeUnits";
import {
  admin,
  anvil,
  BASE,
  type Fixture,
  fireCron,
  fixture,
  resetSanctions,
  rpc,
  usageOf,
} from "./fixtures";

interface Reply {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string; data: Record<string, unknown> };
}

const LISTED = `0x${"d1".repeat(20)}` as Hex;
const UNLISTED = `0x${"e2".repeat(20)}` as Hex;

/** Publishes a snapshot holding `addresses` through the sanctions job. */
async function sanction(addresses: string[]): Promise<void> {
  const url = `${env.TEST_LIST_URL}/lists/gaps-${crypto.randomUUID()}.txt`;
  await fetch(url, { method: "PUT", body: addresses.join("\n") });
  await admin("POST", "/sanction-sources", { kind: "list", name: `list-${crypto.randomUUID()}`, url });
  await fireCron("0 * * * *");
}

/** A fresh account of its own (no other test sends from it), funded on the node. */
async function funded(): Promise<PrivateKeyAccount> {
  const account = privateKeyToAccount(generatePrivateKey());
  await anvil("anvil_setBalance", [account.address, `0x${parseEther("1").toString(16)}`]);
  return account;
}

const nonceOf = async (address: string) =>
  Number(await anvil("eth_getTransactionCount", [address, "pending"]));

/** `authority`'s authorization for `delegate` (to take effect at the authority's next nonce). */
async function authorize(authority: PrivateKeyAccount, delegate: Hex) {
  return authority.signAuthorization({
    address: delegate,
    chainId: 31337,
    nonce: await nonceOf(authority.address),
  });
}

/** A signed transaction from `from`; `authorizationList` makes it EIP-7702 (type 4). */
async function signed(
  from: PrivateKeyAccount,
  options: { nonce?: number; value?: bigint; authorizationList?: unknown[] } = {},
): Promise<Hex> {
  const { authorizationList, value = 1n } = options;
  return from.signTransaction({
    chainId: 31337,
    nonce: options.nonce ?? (await nonceOf(from.address)),
    to: UNLISTED,
    value,
    gas: 100_000n + 30_000n * BigInt(authorizationList?.length ?? 0),
    maxFeePerGas: parseGwei("20"),
    maxPriorityFeePerGas: parseGwei("1"),
    ...(authorizationList ? { type: "eip7702", authorizationList } : {}),
  } as Parameters<PrivateKeyAccount["signTransaction"]>[0]);
}

const body = (method: string, params: unknown[], id = 1) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });

async function send(f: Fixture, method: string, params: unknown[]) {
  const res = await rpc(f, body(method, params));
  return {
    status: res.status,
    attempts: res.headers.get("x-upstream-attempts"),
    json: await res.json<Reply>(),
  };
}

/** Waits until the node has mined the transaction: its receipt. */
async function mined(hash: unknown): Promise<void> {
  while ((await anvil("eth_getTransactionReceipt", [hash])) === null)
    await new Promise((r) => setTimeout(r, 20));
}

const seenByNode = async (raw: Hex) => (await anvil("eth_getTransactionByHash", [keccak256(raw)])) !== null;
const report = () =>
  admin<{ refusedTransactions: Record<string, unknown>[]; flaggedTransactions: Record<string, unknown>[] }>(
    "GET",
    "/compliance/report",
  );

async function overWebSocket(f: Fixture, frame: string): Promise<Reply> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${f.chain}/${f.key}`, { headers: { upgrade: "websocket" } }),
  );
  const ws = res.webSocket as WebSocket;
  ws.accept();
  const answer = new Promise<Reply>((resolve) =>
    ws.addEventListener("message", (e) => resolve(JSON.parse(String(e.data)))),
  );
  ws.send(frame);
  const reply = await answer;
  ws.close(1000);
  return reply;
}

beforeEach(resetSanctions);

describe("send methods the gateway cannot decode", () => {
  const refusal = (method: string) => ({
    code: -32601,
    message: `method ${method} is not served on this plan: the gateway cannot screen the transactions it sends; sign each transaction and send it with eth_sendRawTransaction (or eth_sendBundle), or ask the operator to allow ${method} unscreened for this plan`,
    data: { code: "method_not_allowed", method },
  });

  test("anvil's eth_sendUnsignedTransaction is refused on a default plan and moves no funds; a plan that lists it has it sent", async () => {
    const [attacker, allowed] = await Promise.all([
      fixture(),
      fixture({ plan: { unscreenedSends: ["eth_sendUnsignedTransaction"] } }),
    ]);
    const victim = await funded();
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const params = [{ from: victim.address, to, value: "0x1" }];

    const refused = await send(attacker, "eth_sendUnsignedTransaction", params);
    expect(refused.status).toBe(200);
    expect(refused.json.error).toEqual(refusal("eth_sendUnsignedTransaction"));
    expect(refused.attempts).toBeNull();
    expect(await anvil("eth_getBalance", [to, "latest"])).toBe("0x0");

    const sent = await send(allowed, "eth_sendUnsignedTransaction", params);
    expect(sent.json.result).toMatch(/^0x[0-9a-f]{64}$/);
    expect(sent.attempts).toBe("1");
    await mined(sent.json.result);
    expect(await anvil("eth_getBalance", [to, "latest"])).toBe("0x1");
  });

  test.each([
    "mev_sendBundle",
    "MEV_SENDBUNDLE",
    "eth_sendUserOperation",
    "flashbots_sendPrivateTransaction",
    "eth_resend",
    "blxr_submit_bundle",
    "qn_broadcastRawTransaction",
    "bsc_private_tx",
  ])(
    "%s never reaches a node on a default plan, and is forwarded for a plan that lists it",
    async (method) => {
      const [attacker, allowed] = await Promise.all([
        fixture(),
        fixture({ plan: { unscreenedSends: [method.toLowerCase()] } }),
      ]);
      const refused = await send(attacker, method, [{ txs: [] }]);
      expect(refused.json.error).toEqual(refusal(method));
      expect(refused.attempts).toBeNull();
      // anvil serves none of them: its answer comes from the node.
      const forwarded = await send(allowed, method, [{ txs: [] }]);
      expect(forwarded.attempts).toBe("1");
      expect(forwarded.json.error?.data?.code).not.toBe("method_not_allowed");
    },
  );

  test("QuickNode's qn_broadcastRawTransaction of a listed sender never reaches a node on a default plan; a plan that lists it has it forwarded unscreened", async () => {
    const listedSender = await funded();
    await sanction([listedSender.address]);
    const [attacker, allowed] = await Promise.all([
      fixture(),
      fixture({ plan: { unscreenedSends: ["qn_broadcastRawTransaction"] } }),
    ]);
    const raw = await signed(listedSender);
    const refused = await send(attacker, "qn_broadcastRawTransaction", [raw]);
    expect(refused.status).toBe(200);
    expect(refused.json.error).toEqual(refusal("qn_broadcastRawTransaction"));
    expect(refused.attempts).toBeNull();
    expect(await seenByNode(raw)).toBe(false);

    // Unscreened: no sanctions check, so no 403; anvil has no such method, so the answer is the node's.
    const forwarded = await send(allowed, "qn_broadcastRawTransaction", [raw]);
    expect(forwarded.status).toBe(200);
    expect(forwarded.attempts).toBe("1");
    expect(forwarded.json.error?.code).toBe(-32601);
    expect(forwarded.json.error?.data?.code).not.toBe("method_not_allowed");
    const rows = (await report()).refusedTransactions.filter((r) =>
      [attacker.tenantId, allowed.tenantId].includes(r.tenantId as string),
    );
    expect(rows).toEqual([]);
  });

  test("the refusal is the same over WebSocket, and the batch's other calls are answered", async () => {
    const f = await fixture();
    expect(await overWebSocket(f, body("mev_sendBundle", [{ txs: [] }], 7))).toMatchObject({
      id: 7,
      error: refusal("mev_sendBundle"),
    });
    const res = await rpc(f, `[${body("mev_sendBundle", [{ txs: [] }], 1)},${body("eth_chainId", [], 2)}]`);
    expect(await res.json()).toEqual([
      { jsonrpc: "2.0", id: 1, error: refusal("mev_sendBundle") },
      { jsonrpc: "2.0", id: 2, result: "0x7a69" },
    ]);
  });
});

describe("EIP-7702 delegates", () => {
  test("a delegation to a listed address is refused with an audit row; one to an unlisted address is sent and takes effect", async () => {
    await sanction([LISTED]);
    const f = await fixture();
    const [sender, authority] = await Promise.all([funded(), funded()]);
    const toListed = await signed(sender, { authorizationList: [await authorize(authority, LISTED)] });
    const res = await rpc(f, body("eth_sendRawTransaction", [toListed]));
    expect(res.status).toBe(403);
    const reason = `the transaction's authorization delegate ${LISTED} is on the sanctions list`;
    expect(await res.json()).toMatchObject({
      error: {
        code: -32003,
        message: `transaction refused: ${reason}`,
        data: { code: "sanctioned_address", role: "authorization delegate", address: LISTED, reason },
      },
    });
    expect(await seenByNode(toListed)).toBe(false);
    const rows = (await report()).refusedTransactions.filter((r) => r.tenantId === f.tenantId);
    expect(rows).toEqual([
      expect.objectContaining({
        txHash: keccak256(toListed),
        role: "authorization delegate",
        address: LISTED,
      }),
    ]);

    const clean = await signed(sender, { authorizationList: [await authorize(authority, UNLISTED)] });
    expect((await send(f, "eth_sendRawTransaction", [clean])).json.result).toBe(keccak256(clean));
    await mined(keccak256(clean));
    expect(await anvil("eth_getCode", [authority.address, "latest"])).toBe(`0xef0100${UNLISTED.slice(2)}`);
  });

  test("a plan that flags sends a delegation to a listed address on and records it", async () => {
    await sanction([LISTED]);
    const f = await fixture({ plan: { screening: "flag" } });
    const [sender, authority] = await Promise.all([funded(), funded()]);
    const raw = await signed(sender, { authorizationList: [await authorize(authority, LISTED)] });
    expect((await send(f, "eth_sendRawTransaction", [raw])).json.result).toBe(keccak256(raw));
    expect(await seenByNode(raw)).toBe(true);
    const rows = (await report()).flaggedTransactions.filter((r) => r.tenantId === f.tenantId);
    expect(rows).toEqual([
      expect.objectContaining({ txHash: keccak256(raw), role: "authorization delegate", address: LISTED }),
    ]);
  });
});

describe("caps, checked before any signature is recovered", () => {
  test("a bundle of 101 transactions is refused with the cap, though every one is from a listed sender; a bundle of 2 is sent", async () => {
    const listedSender = await funded();
    await sanction([listedSender.address]);
    const [attacker, victim] = await Promise.all([fixture(), fixture()]);
    const raw = await signed(listedSender);
    const over = await send(attacker, "eth_sendBundle", [{ txs: Array(101).fill(raw), blockNumber: "0x1" }]);
    expect(over.status).toBe(200);
    expect(over.json.error).toEqual({
      code: -32602,
      message:
        "a call submits at most 100 transactions and this one submits 101: send the bundle in parts of at most 100",
      data: { code: "invalid_params", max: 100 },
    });
    expect(over.attempts).toBeNull();

    const sender = await funded();
    const nonce = await nonceOf(sender.address);
    const pair = [await signed(sender, { nonce }), await signed(sender, { nonce: nonce + 1 })];
    const served = await send(victim, "eth_sendBundle", [{ txs: pair, blockNumber: "0x1" }]);
    // Screened and forwarded: anvil has no eth_sendBundle, so the answer is the node's.
    expect(served.attempts).toBe("1");
    expect(served.json.error?.data?.code).not.toBe("invalid_params");
  });

  test("an authorization list of 33 is refused with the cap, though its authority is listed; another tenant's list of 32 is sent", async () => {
    const authority = await funded();
    await sanction([authority.address]);
    const [attacker, victim] = await Promise.all([fixture(), fixture()]);
    const sender = await funded();
    const authorization = await authorize(authority, UNLISTED);
    const over = await signed(sender, { authorizationList: Array(33).fill(authorization) });
    const res = await send(attacker, "eth_sendRawTransaction", [over]);
    expect(res.json.error).toEqual({
      code: -32602,
      message:
        "a transaction carries at most 32 EIP-7702 authorizations and this one carries 33: split them across transactions",
      data: { code: "invalid_params", max: 32 },
    });
    expect(res.attempts).toBeNull();
    expect(await seenByNode(over)).toBe(false);

    // 33 signatures of 250 CU: more than the default burst, so admitted from a full bucket only.
    const [other, otherSender] = await Promise.all([funded(), funded()]);
    const atCap = await signed(otherSender, {
      authorizationList: Array(32).fill(await authorize(other, UNLISTED)),
    });
    const served = await send(victim, "eth_sendRawTransaction", [atCap]);
    expect(served.json.result).toBe(keccak256(atCap));
    expect(served.attempts).toBe("1");
  });
});

describe("the whole request's signatures", () => {
  const capMessage =
    "a request carries at most 200 signatures over all its calls (one per transaction and one per EIP-7702 authorization)";

  test("a batch whose bundles together pass 200 signatures has the call that passes it refused with the cap, and every send after it; another tenant's batch of exactly 200 is forwarded", async () => {
    const listedSender = await funded();
    await sanction([listedSender.address]);
    const roomy = { plan: { cuPerSecond: 100_000, burstCu: 100_000 } };
    const [attacker, victim] = await Promise.all([fixture(roomy), fixture(roomy)]);
    const clean = await signed(await funded());
    const listed = await signed(listedSender);
    const bundle = (txs: Hex[], id: number) => body("eth_sendBundle", [{ txs, blockNumber: "0x1" }], id);
    const res = await rpc(
      attacker,
      `[${[
        bundle(Array(70).fill(clean), 1),
        bundle(Array(70).fill(clean), 2),
        // 210 with this one: refused with the cap, though its sender is listed.
        bundle(Array(70).fill(listed), 3),
        body("eth_chainId", [], 4),
        body("eth_sendRawTransaction", [listed], 5),
      ].join(",")}]`,
    );
    expect(res.status).toBe(200);
    const [first, second, third, chainId, fifth] = await res.json<Reply[]>();
    // Screened and forwarded: anvil has no eth_sendBundle, so the answer is the node's.
    for (const forwarded of [first, second]) expect(forwarded?.error?.code).toBe(-32601);
    expect(third?.error).toEqual({
      code: -32602,
      message: `${capMessage} and with this call it carries more: send fewer transactions or authorizations per request`,
      data: { code: "invalid_params", max: 200 },
    });
    expect(chainId?.result).toBe("0x7a69");
    expect(fifth?.error).toEqual({
      code: -32602,
      message: `${capMessage} and the calls before this one carry more: send this call in another request`,
      data: { code: "invalid_params", max: 200 },
    });
    expect(await seenByNode(listed)).toBe(false);
    const rows = (await report()).refusedTransactions.filter((r) => r.tenantId === attacker.tenantId);
    expect(rows).toEqual([]);

    const served = await rpc(
      victim,
      `[${bundle(Array(100).fill(clean), 1)},${bundle(Array(100).fill(clean), 2)}]`,
    );
    const answers = await served.json<Reply[]>();
    expect(answers.map((a) => a.error?.code)).toEqual([-32601, -32601]);
  });
});

describe("no signature recovered before admission", () => {
  test("a tenant over its rate gets 429 for a listed sender's transaction and for a batch of bundles, with nothing screened; another tenant gets the 403", async () => {
    const listedSender = await funded();
    await sanction([listedSender.address]);
    const [spent, other] = await Promise.all([
      fixture({ plan: { cuPerSecond: 1, burstCu: 250 } }),
      fixture(),
    ]);
    const clean = await signed(await funded());
    // One send of 250 CU empties the bucket.
    expect((await send(spent, "eth_sendRawTransaction", [clean])).json.result).toBe(keccak256(clean));

    const listed = await signed(listedSender);
    const limited = await send(spent, "eth_sendRawTransaction", [listed]);
    expect(limited.status).toBe(429);
    expect(limited.json.error).toMatchObject({
      code: -32005,
      data: { code: "limit_exceeded", limit: "rate" },
    });
    const bundles = Array.from({ length: 3 }, (_, i) =>
      body("eth_sendBundle", [{ txs: Array(60).fill(listed), blockNumber: "0x1" }], i + 1),
    );
    const batch = await rpc(spent, `[${bundles.join(",")}]`);
    expect(batch.status).toBe(429);
    expect(await batch.json()).toMatchObject({ error: { data: { code: "limit_exceeded" } } });
    // Had its signatures been recovered, the listed sender would have left an audit row.
    const rows = async (f: Fixture) =>
      (await report()).refusedTransactions.filter((r) => r.tenantId === f.tenantId);
    expect(await rows(spent)).toEqual([]);

    const refused = await send(other, "eth_sendRawTransaction", [listed]);
    expect(refused.status).toBe(403);
    expect(refused.json.error?.data).toMatchObject({ code: "sanctioned_address", role: "sender" });
    expect(await rows(other)).toEqual([expect.objectContaining({ txHash: keccak256(listed) })]);
    expect(await seenByNode(listed)).toBe(false);
  });
});

describe("charged per signature recovered", () => {
  test("a type-4 transaction with 2 authorizations costs 3 transactions; a plain one costs 1", async () => {
    await sanction([LISTED]);
    const [plain, delegating] = await Promise.all([fixture(), fixture()]);
    const [sender, a, b] = await Promise.all([funded(), funded(), funded()]);
    const one = await signed(sender);
    expect((await send(plain, "eth_sendRawTransaction", [one])).json.result).toBe(keccak256(one));
    const three = await signed(sender, {
      authorizationList: [await authorize(a, UNLISTED), await authorize(b, UNLISTED)],
    });
    expect((await send(delegating, "eth_sendRawTransaction", [three])).json.result).toBe(keccak256(three));
    const cu = cuOf("eth_sendRawTransaction");
    expect((await usageOf(plain)).totals).toMatchObject({ requests: 1, cu });
    expect((await usageOf(delegating)).totals).toMatchObject({ requests: 1, cu: 3 * cu });
  });

  test("a bundle of 3 transactions costs 3 transactions; another spelling of its method is refused for nothing", async () => {
    await sanction([LISTED]);
    const f = await fixture();
    const sender = await funded();
    const nonce = await nonceOf(sender.address);
    const txs = [0, 1, 2].map((i) => signed(sender, { nonce: nonce + i }));
    const bundle = [{ txs: await Promise.all(txs), blockNumber: "0x1" }];
    expect((await send(f, "eth_sendBundle", bundle)).attempts).toBe("1");
    const lower = await send(f, "eth_sendbundle", bundle);
    expect(lower.attempts).toBeNull();
    expect(lower.json.error).toMatchObject({ code: -32601, data: { code: "method_not_found" } });
    expect(cuOf("eth_sendBundle")).toBe(250);
    expect((await usageOf(f)).totals).toMatchObject({ requests: 2, cu: 3 * 250 });
  });
  test("sends refused before admission cost nothing: a malformed one, one over a cap, one the gateway cannot screen", async () => {
    await sanction([LISTED]);
    const f = await fixture();
    const raw = await signed(await funded());
    const refusedCalls = [
      body("eth_sendRawTransaction", ["0x00"], 1),
      body("eth_sendBundle", [{ txs: Array(101).fill(raw), blockNumber: "0x1" }], 2),
      body("eth_sendUserOperation", [{}, UNLISTED], 3),
    ];
    const res = await rpc(f, `[${refusedCalls.join(",")}]`);
    const answers = await res.json<Reply[]>();
    expect(answers.map((a) => a.error?.code)).toEqual([-32602, -32602, -32601]);
    expect(res.headers.get("x-upstream-attempts")).toBeNull();
    expect((await usageOf(f)).totals).toEqual({ requests: 3, cu: 0, errors: 3 });
  });
});
