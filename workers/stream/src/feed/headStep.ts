/**
 * @module
 * What the feed does next, given the newest block it published and the node's head. Pure.
 */

/** A block by its number and hash. */
export interface BlockId {
  number: number;
  hash: string;
}

/**
 * - `start`: nothing published yet (or everything unwound): publish the node's head.
 * - `follow`: the head is above the tip: publish the block after the tip.
 * - `nothing`: the head is the tip, or a block below it on the same branch (a node behind the
 *   others, or a revert with no block mined since): wait for the next head.
 * - `unwind`: the head is at or below the tip on another branch (a reorg to a chain no longer than
 *   ours, or a fresh chain, such as a restarted node): drop the orphaned blocks first.
 */
export type HeadStep = "start" | "follow" | "nothing" | "unwind";

export interface HeadStepParameters {
  /** The newest published block still on the chain; undefined before the first. */
  tip: BlockId | undefined;
  /** The node's head. */
  head: BlockId;
  /** The published block at a number, if the feed still holds it. */
  publishedAt: (number: number) => BlockId | undefined;
}

export function headStep({ tip, head, publishedAt }: HeadStepParameters): HeadStep {
  if (!tip) return "start";
  if (head.number > tip.number) return "follow";
  // At or below the tip: the same branch only if the block we published at that height is the head.
  return publishedAt(head.number)?.hash === head.hash ? "nothing" : "unwind";
}

/**
 * Whether a published block must be asked about before it is unwound: one above the node's head is
 * not on the node's chain, whatever its hash.
 */
export function mayStillBeOnChain(block: BlockId, headNumber: number): boolean {
  return block.number <= headNumber;
}
