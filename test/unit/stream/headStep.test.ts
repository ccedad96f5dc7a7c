// What the chain feed does next given the tip it published and the node's head: start, follow,
// nothing, or unwind (a reorg to a chain no longer than its own, or a fresh chain).
import { describe, expect, test } from "vitest";
import { type BlockId, headStep, mayStillBeOnChain } from "../../../workers/stream/src/feed/headStep";

/** Published blocks 10..14 on branch "a". */
const published: BlockId[] = [10, 11, 12, 13, 14].map((number) => ({ number, hash: `0xa${number}` }));
const tip = published.at(-1);
const publishedAt = (n: number) => published.find((b) => b.number === n);
const step = (head: BlockId) => headStep({ tip, head, publishedAt });

describe("headStep", () => {
  test("with nothing published it starts at the head", () => {
    expect(headStep({ tip: undefined, head: { number: 3, hash: "0xb3" }, publishedAt })).toBe("start");
  });

  test("a head above the tip is followed (the parent check catches a reorg there)", () => {
    expect(step({ number: 15, hash: "0xa15" })).toBe("follow");
    expect(step({ number: 900, hash: "0xb900" })).toBe("follow");
  });

  test("the tip itself is nothing new", () => {
    expect(step({ number: 14, hash: "0xa14" })).toBe("nothing");
  });

  test("a head at the tip's height with another hash is a reorg", () => {
    expect(step({ number: 14, hash: "0xb14" })).toBe("unwind");
  });

  test("a head below the tip on another branch is a reorg to a shorter chain", () => {
    expect(step({ number: 12, hash: "0xb12" })).toBe("unwind");
  });

  test("a head below every published block is a fresh chain (a restarted node): unwind", () => {
    expect(step({ number: 3, hash: "0xb3" })).toBe("unwind");
    expect(step({ number: 0, hash: "0xgenesis" })).toBe("unwind");
  });

  test("a head below the tip on the same branch (a node behind, a revert not mined on yet) is nothing", () => {
    expect(step({ number: 12, hash: "0xa12" })).toBe("nothing");
    expect(step({ number: 10, hash: "0xa10" })).toBe("nothing");
  });
});

describe("mayStillBeOnChain", () => {
  test("a published block above the node's head is orphaned without asking the node", () => {
    expect(mayStillBeOnChain({ number: 14, hash: "0xa14" }, 12)).toBe(false);
  });

  test("one at or below the head must be asked about", () => {
    expect(mayStillBeOnChain({ number: 12, hash: "0xa12" }, 12)).toBe(true);
    expect(mayStillBeOnChain({ number: 11, hash: "0xa11" }, 12)).toBe(true);
  });
});
