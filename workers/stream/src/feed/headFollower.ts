/**
 * @module
 * Follows the chain's head: fetches blocks by number from the last one published, each with its
 * logs, so a dropped socket or a change of upstream leaves no gap. A block whose parent is not the
 * last published block, or a head at or below it on another branch (headStep.ts), is a reorg: the
 * orphaned blocks are unwound (their logs published again with `removed: true`), then the new
 * branch is published. With none of its blocks left on the chain it starts again from the head.
 */
import type { ChainCall } from "../../../../shared/routing/chainCaller";
import { eventLogsOf, type FeedEvent, headOf, removedLogs } from "../../../../shared/stream/events";
import { type BlockId, headStep, mayStillBeOnChain } from "./headStep";
import type { BlockEvent } from "./replayBuffer";

/** Most blocks fetched in one round; a longer gap is filled over several rounds. */
const ROUND_BLOCKS = 32;

type RawBlock = { number: string; hash: string; parentHash: string } & Record<string, unknown>;
type RawLog = { blockHash: string } & Record<string, unknown>;

const hex = (n: number) => `0x${n.toString(16)}`;

export interface HeadFollowerParameters {
  /** The newest published block still on the chain. */
  tip: () => BlockEvent | undefined;
  /** The published block at a number, if still held (the last REPLAY_BLOCKS). */
  publishedAt: (number: number) => BlockEvent | undefined;
  /** Calls to the chain's upstreams; undefined when the feed serves no chain. */
  caller: () => Promise<ChainCall | undefined>;
  /** Stamps, stores and delivers one event; resolves once every shard has it. */
  publish: (event: FeedEvent) => Promise<void>;
}

export class HeadFollower {
  private following: Promise<void> | undefined;
  private followAgain = false;
  /** The newest head an upstream's newHeads notification named, not yet caught up to. */
  private notified: BlockId | undefined;

  constructor(private readonly p: HeadFollowerParameters) {}

  /**
   * Runs one catch-up at a time; a kick during one runs another after it. `head`: the head a
   * notification named, which spares asking the upstream for the latest block (a round trip before
   * every new block is published).
   */
  follow(head?: BlockId): Promise<void> {
    if (head && (!this.notified || head.number >= this.notified.number)) this.notified = head;
    if (this.following) {
      this.followAgain = true;
      return this.following;
    }
    this.following = (async () => {
      try {
        do {
          this.followAgain = false;
          await this.catchUp();
        } while (this.followAgain);
      } finally {
        this.following = undefined;
      }
    })();
    return this.following;
  }

  private async catchUp() {
    const call = await this.p.caller();
    if (!call) return;
    const notified = this.notified;
    this.notified = undefined;
    const head = notified ?? (await latestHead(call));
    if (!head) return;
    for (let round = 0; ; round++) {
      const tip = this.p.tip();
      const step = headStep({ tip, head, publishedAt: this.p.publishedAt });
      if (step === "nothing") return;
      if (step === "start") {
        await this.publishBlock(call, head.number);
        return;
      }
      if (round === ROUND_BLOCKS) {
        this.followAgain = true;
        return;
      }
      // An unwind that drops nothing means the upstreams disagree: try again on the next head.
      if (step === "unwind") {
        if ((await this.unwind(call, head.number)) === 0) return;
        continue;
      }
      const parent = tip as BlockEvent; // "follow": there is a tip
      const outcome = await this.publishBlock(call, parent.number + 1, parent);
      if (outcome === "missing") return;
      if (outcome === "reorg" && (await this.unwind(call, head.number)) === 0) return;
    }
  }

  /** Fetches block `n` with its logs and publishes it, unless its parent is not `parent`. */
  private async publishBlock(call: ChainCall, n: number, parent?: BlockEvent) {
    const number = hex(n);
    const [block, logs] = await Promise.all([
      call<RawBlock | null>("eth_getBlockByNumber", [number, false]),
      call<RawLog[]>("eth_getLogs", [{ fromBlock: number, toBlock: number }]),
    ]);
    if (!block) return "missing";
    if (parent && block.parentHash !== parent.hash) return "reorg";
    // The block changed between the two calls: ask for its logs by hash.
    const own = logs.every((l) => l.blockHash === block.hash)
      ? logs
      : await call<RawLog[]>("eth_getLogs", [{ blockHash: block.hash }]);
    await this.p.publish({
      seq: 0,
      type: "block",
      number: n,
      hash: block.hash,
      head: headOf(block),
      logs: eventLogsOf(own),
    });
    return "published";
  }

  /**
   * Drops published blocks that left the chain, newest first, down to the highest one the node still
   * has at its number (none: all of them); returns how many it dropped.
   */
  private async unwind(call: ChainCall, headNumber: number): Promise<number> {
    let dropped = 0;
    for (let tip = this.p.tip(); tip; tip = this.p.tip()) {
      if (mayStillBeOnChain(tip, headNumber)) {
        const now = await call<RawBlock | null>("eth_getBlockByNumber", [hex(tip.number), false]);
        if (now?.hash === tip.hash) break;
      }
      const logs = removedLogs(tip.logs);
      await this.p.publish({ seq: 0, type: "removed", number: tip.number, hash: tip.hash, logs });
      dropped++;
    }
    return dropped;
  }
}

/** The chain's head as the upstreams see it now. */
async function latestHead(call: ChainCall): Promise<BlockId | undefined> {
  const latest = await call<RawBlock | null>("eth_getBlockByNumber", ["latest", false]);
  return latest ? { number: Number(latest.number), hash: latest.hash } : undefined;
}
