// A directory's counts: an assignment counts at once, pending, until its shard reports or for 30 s,
// so assignments that never reached a shard stop making it look full.
import { expect, test } from "vitest";
import { PENDING_MS, ShardCounts } from "../../../shared/stream/shardCounts";

test("assignments that no report confirms stop counting after PENDING_MS, and the shard takes sockets again", () => {
  const counts = new ShardCounts();
  expect([counts.assign(3, 0), counts.assign(3, 0), counts.assign(3, 0)]).toEqual([0, 0, 0]);
  // The shard looks full: the next socket goes to the second shard.
  expect(counts.assign(3, 1)).toBe(1);
  expect(counts.shards(PENDING_MS - 1)).toEqual([
    { index: 0, sockets: 3 },
    { index: 1, sockets: 1 },
  ]);
  // None of them reached its shard: 30 s on, both are empty again and the first is filled first.
  expect(counts.shards(PENDING_MS + 1)).toEqual([]);
  expect(counts.assign(3, PENDING_MS + 1)).toBe(0);
});

test("a shard's report replaces its count and settles its pending assignments; others keep theirs", () => {
  const counts = new ShardCounts([{ index: 0, sockets: 2 }]);
  expect(counts.assign(3, 0)).toBe(0);
  expect(counts.assign(3, 0)).toBe(1);
  expect(counts.report({ index: 0, sockets: 3 })).toBe(true);
  expect(counts.report({ index: 0, sockets: 3 })).toBe(false);
  expect(counts.shards(1)).toEqual([
    { index: 0, sockets: 3 },
    { index: 1, sockets: 1 },
  ]);
  expect(counts.report({ index: 0, sockets: 0 })).toBe(true);
  expect(counts.shards(1)).toEqual([{ index: 1, sockets: 1 }]);
});
