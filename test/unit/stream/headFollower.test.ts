// How many upstream round trips the chain feed makes before it publishes a new block: with the head
// a newHeads notification named, none for "latest"; without one (polling), it asks for "latest" first.
// The chain is a list of blocks answered by number, as a node would.
import { describe, expect, test } from "vitest";
import type { ChainCall } from "../../../shared/routing/chainCaller";
import type { FeedEvent } from "../../../shared/stream/events";
import { HeadFollower } from "../../../workers/stream/src/feed/headFollower";
import type { BlockEvent } from "../../../workers/stream/src/feed/replayBuffer";

const hashOf = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const block = (n: number) => ({ number: `0x${n.toString(16)}`, hash: hashOf(n), parentHash: hashOf(n - 1) });

/** A node at `head` (blocks 1..head), the calls it got, and a follower publishing into `published`. */
function setup(head: number) {
  const calls: string[] = [];
  const call = (async (method: string, params: unknown[]) => {
    const [first] = params as [unknown];
    calls.push(`${method} ${typeof first === "string" ? first : "filter"}`);
    if (method === "eth_getLogs") return [];
    const n = first === "latest" ? head : Number(first);
    return n <= head ? block(n) : null;
  }) as ChainCall;
  const published: BlockEvent[] = [];
  const follower = new HeadFollower({
    tip: () => published.at(-1),
    publishedAt: (n) => published.find((b) => b.number === n),
    caller: async () => call,
    publish: async (event: FeedEvent) => {
      if (event.type === "block") published.push(event as BlockEvent);
    },
  });
  return { calls, published, follower };
}

describe("HeadFollower", () => {
  test("a notified head is published without asking for the latest block", async () => {
    const { calls, published, follower } = setup(7);
    await follower.follow({ number: 7, hash: hashOf(7) });
    expect(published.map((b) => b.number)).toEqual([7]);
    expect(calls).toEqual(["eth_getBlockByNumber 0x7", "eth_getLogs filter"]);
    calls.length = 0;
    await follower.follow({ number: 7, hash: hashOf(7) });
    expect(calls).toEqual([]);
  });

  test("without a notification it asks for the latest block first, then fills from its tip", async () => {
    const { calls, published, follower } = setup(5);
    await follower.follow();
    expect(calls[0]).toBe("eth_getBlockByNumber latest");
    expect(published.map((b) => b.number)).toEqual([5]);
  });

  test("a notification older than one still waiting does not replace it", async () => {
    const { calls, published, follower } = setup(9);
    await follower.follow({ number: 8, hash: hashOf(8) });
    calls.length = 0;
    const running = follower.follow({ number: 9, hash: hashOf(9) });
    // Arrives before the catch-up has taken block 9: ignored, though it asks for another catch-up.
    void follower.follow({ number: 8, hash: hashOf(8) });
    await running;
    // Block 9 went out on its notification; only the catch-up after it asked for the latest block.
    expect(calls).toEqual(["eth_getBlockByNumber 0x9", "eth_getLogs filter", "eth_getBlockByNumber latest"]);
    expect(published.map((b) => b.number)).toEqual([8, 9]);
  });
});
