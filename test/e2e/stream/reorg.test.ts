// Subscriptions across a reorg to a shorter chain (evm_revert to an earlier snapshot) and across a
// node that starts over (anvil_reset), against an anvil of this file's own behind a fault proxy.
import { keccak256, toHex } from "viem";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startAnvil } from "../../../scripts/lib/anvil.mjs";
import { startFaultProxy } from "../../../scripts/lib/faultProxy.mjs";
import { admin, callNode, type FaultProxy, type RoutedChain, routedChain, sleep } from "../routing/harness";
import { type Frame, headNumbers, openSocket, subscribe, type TestSocket } from "./socket";

const ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const PING_TOPIC = keccak256(toHex("Ping(uint256)"));
/** Runtime: log1(calldata word 0, topic Ping). Init code copies it out and returns it. */
const PING_CONTRACT = `0x602d80600b6000396000f36000356000527f${PING_TOPIC.slice(2)}60206000a100`;
/** How long a subscriber may wait for the feed to notice: a few seconds, never a block-height race. */
const SOON_MS = 6_000;

let node: Awaited<ReturnType<typeof startAnvil>>;
let proxy: FaultProxy;
let chain: RoutedChain;
let socket: TestSocket;

const nodeCall = (method: string, params: unknown[] = []) => callNode(node.url, method, params);
const head = async () => Number(await nodeCall("eth_blockNumber"));

/** Sends a transaction and waits for its receipt (anvil mines it into its own block). */
async function transact(tx: Record<string, unknown>) {
  const hash = await nodeCall("eth_sendTransaction", [{ from: ACCOUNT_0, ...tx }]);
  for (;;) {
    const receipt = (await nodeCall("eth_getTransactionReceipt", [hash])) as {
      contractAddress: string | null;
    } | null;
    if (receipt) return receipt;
    await sleep(20);
  }
}

const deployPing = async () => (await transact({ data: PING_CONTRACT })).contractAddress as string;
const ping = (contract: string, value: number) =>
  transact({ to: contract, data: toHex(value, { size: 32 }) });

type Log = { blockHash: string; blockNumber: string; removed: boolean };
type Head = { number: string; hash: string };
const logsOf = (sub: string) => socket.notifications(sub).map((p) => p.result as unknown as Log);
const isHead = (sub: string, number: number) => (f: Frame) =>
  f.params?.subscription === sub && Number((f.params.result as unknown as Head).number) === number;
const seqs = () => socket.frames.flatMap((f) => (f.params?.seq ? [f.params.seq] : []));
/** Sequence numbers never go down (one event's frames share its number). */
const seqsGrow = () => seqs().every((seq, i, all) => i === 0 || seq >= (all[i - 1] as number));

/** Subscribes to newHeads and to the Ping logs of a contract deployed now; `heads` has the deploy block. */
async function subscribers() {
  const contract = await deployPing();
  const logs = await subscribe(socket, ["logs", { address: contract, topics: [PING_TOPIC] }]);
  const heads = await subscribe(socket, ["newHeads"]);
  return { contract, logs, heads };
}

/** Pings `values` one block each and waits until the logs subscriber has every one. */
async function pingSeen(contract: string, logs: string, values: number[]) {
  const from = logsOf(logs).length;
  for (const v of values) await ping(contract, v);
  await socket.until(() => logsOf(logs).length >= from + values.length, SOON_MS);
  return logsOf(logs).slice(from);
}

beforeAll(async () => {
  node = await startAnvil({ blockTime: 0 });
  proxy = await startFaultProxy({ target: node.url });
});
afterAll(async () => {
  await proxy?.stop();
  await node?.stop();
});
beforeEach(async () => {
  // A chain of its own per test, so a fresh feed.
  chain = await routedChain([proxy], { blockTimeMs: 1_000 }, { capabilities: ["ws"] });
  socket = await openSocket(chain.url);
});
afterEach(async () => {
  socket.close();
  await admin("PATCH", `/chains/${chain.slug}`, { enabled: false });
});

describe("a reorg to a shorter chain", () => {
  test("orphaned logs come again with removed: true, then the new head, with growing seqs", async () => {
    const { contract, logs, heads } = await subscribers();
    const snapshot = await nodeCall("evm_snapshot");
    const forkedAt = await head();
    const orphaned = await pingSeen(contract, logs, [1, 2, 3]);
    await nodeCall("evm_mine");
    await nodeCall("evm_mine");
    await socket.until(isHead(heads, forkedAt + 5), SOON_MS);

    // Back to the snapshot, then one block: the node's head is 4 blocks below the feed's tip.
    const from = socket.frames.length;
    expect(await nodeCall("evm_revert", [snapshot])).toBe(true);
    await nodeCall("evm_mine");
    const replaced = await socket.until(isHead(heads, forkedAt + 1), SOON_MS, from);

    const removed = logsOf(logs).filter((l) => l.removed);
    // Newest first, each exactly as it was sent before, now removed.
    expect(removed.map((l) => l.blockHash)).toEqual(orphaned.map((l) => l.blockHash).reverse());
    const headsSeen = socket.notifications(heads).map((p) => p.result as unknown as Head);
    const replacedHash = (replaced.params?.result as unknown as Head | undefined)?.hash;
    expect(replacedHash).not.toBe(orphaned[0]?.blockHash);
    expect(headsSeen.at(-1)?.hash).toBe(
      ((await nodeCall("eth_getBlockByNumber", ["latest", false])) as Head).hash,
    );
    // The removals come before the new head, and every seq is larger than the one before.
    const lastRemoved = socket.frames.findLastIndex(
      (f) => f.params?.subscription === logs && (f.params.result as unknown as Log).removed,
    );
    expect(lastRemoved).toBeLessThan(socket.frames.indexOf(replaced));
    expect(seqsGrow()).toBe(true);

    // The feed follows the new branch from there.
    const before = socket.frames.length;
    await nodeCall("evm_mine");
    await socket.until(isHead(heads, forkedAt + 2), SOON_MS, before);
    expect(headNumbers(socket, heads).slice(-2)).toEqual([forkedAt + 1, forkedAt + 2]);
  });
});

describe("a node that starts over", () => {
  test("after anvil_reset the subscriber gets heads again at once, below the old tip", async () => {
    const { contract, logs, heads } = await subscribers();
    const orphaned = await pingSeen(contract, logs, [7, 8]);
    const oldTip = await head();
    await socket.until(isHead(heads, oldTip), SOON_MS);

    const from = socket.frames.length;
    await nodeCall("anvil_reset", []);
    await nodeCall("evm_mine");
    expect(await head()).toBeLessThan(oldTip);
    const started = Date.now();
    await socket.until(isHead(heads, await head()), SOON_MS, from);
    expect(Date.now() - started).toBeLessThan(SOON_MS);
    // Every log of the old chain the subscriber had is taken back.
    const removed = logsOf(logs).filter((l) => l.removed);
    expect(removed.map((l) => l.blockHash).sort()).toEqual(orphaned.map((l) => l.blockHash).sort());

    // And the new chain is followed block by block.
    const now = await head();
    const before = socket.frames.length;
    await nodeCall("evm_mine");
    await nodeCall("evm_mine");
    await socket.until(isHead(heads, now + 2), SOON_MS, before);
    expect(headNumbers(socket, heads).slice(-3)).toEqual([now, now + 1, now + 2]);
    expect(seqsGrow()).toBe(true);
  });
});
