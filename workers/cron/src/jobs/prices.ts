/**
 * @module
 * Every 5 minutes: reads each enabled Chainlink feed's `latestRoundData` (in one multicall per chain
 * where the chain has Multicall3, one call each otherwise) through the gateway's upstream selection,
 * and publishes each pair's price to KV. A round that is not positive or is older than the feed's
 * heartbeat is rejected: the last good price stays, marked stale, with the reason.
 */
import { eq } from "drizzle-orm";
import { type Address, createPublicClient, custom, parseAbi } from "viem";
import { dbOf } from "../../../../db/client";
import { priceFeeds } from "../../../../db/schema";
import { resolveChain } from "../../../../shared/config/chains";
import { settingsOf } from "../../../../shared/config/env";
import { JOB_SCHEDULE } from "../../../../shared/jobs/schedule";
import { decimalOf, judgeRound, type Round } from "../../../../shared/prices/round";
import { chainCaller } from "../../../../shared/routing/chainCaller";
import { readPrice, writePrice } from "../../../../shared/stores/prices";
import type { Job } from "../runs";

const AGGREGATOR_V3 = parseAbi([
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
]);
/** Deployed at the same address on most EVM chains (github.com/mds1/multicall). */
const MULTICALL3: Address = "0xca11bde05977b3631167028862be2a173976ca11";

type Feed = typeof priceFeeds.$inferSelect;

export const prices: Job = {
  name: "prices",
  cron: JOB_SCHEDULE.prices,
  async run(env) {
    const feeds = await dbOf(env.DB).select().from(priceFeeds).where(eq(priceFeeds.enabled, true));
    /** multicalls: chains whose feeds were read in one Multicall3 call. */
    const counts = { feeds: feeds.length, fresh: 0, rejected: 0, failed: 0, skipped: 0, multicalls: 0 };
    const problems: string[] = [];
    const byChain = new Map<string, Feed[]>();
    for (const feed of feeds) byChain.set(feed.chain, [...(byChain.get(feed.chain) ?? []), feed]);
    for (const [slug, list] of byChain) {
      const chain = await resolveChain(env, slug, () => undefined);
      if (!chain?.enabled || chain.kind !== "evm") {
        // A feed for a chain this deployment does not serve (the mainnet defaults on a local run), or
        // on a chain that has no contracts to call (an Avalanche P-Chain).
        counts.skipped += list.length;
        continue;
      }
      const call = chainCaller(chain, settingsOf(env).upstreamTimeoutMs, () => undefined);
      const client = createPublicClient({
        transport: custom({ request: ({ method, params }) => call(method, (params ?? []) as unknown[]) }),
      });
      // The chain could not be read at all: each of its feeds fails with that reason.
      const { rounds, multicall } = await readRounds(client, list).catch((err: Error) => ({
        rounds: list.map(() => err),
        multicall: false,
      }));
      if (multicall) counts.multicalls++;
      for (const [i, feed] of list.entries()) {
        const round = rounds[i] as Round | Error;
        const outcome = await publish(env.CONFIG_KV, feed, round);
        counts[outcome.counted]++;
        if (outcome.problem) problems.push(`${feed.pair}: ${outcome.problem}`);
      }
    }
    return { counts, problems };
  },
};

type Client = ReturnType<typeof createPublicClient>;

async function readRounds(
  client: Client,
  feeds: Feed[],
): Promise<{ rounds: (Round | Error)[]; multicall: boolean }> {
  const toRound = ([roundId, answer, , updatedAt]: readonly [bigint, bigint, bigint, bigint, bigint]) => ({
    roundId,
    answer,
    updatedAt,
  });
  const contracts = feeds.map((f) => ({
    address: f.address as Address,
    abi: AGGREGATOR_V3,
    functionName: "latestRoundData" as const,
  }));
  const code = await client.getCode({ address: MULTICALL3 });
  if (code && code !== "0x") {
    const results = await client.multicall({ contracts, multicallAddress: MULTICALL3, allowFailure: true });
    return {
      rounds: results.map((r) => (r.status === "success" ? toRound(r.result) : r.error)),
      multicall: true,
    };
  }
  const rounds = await Promise.all(
    contracts.map((c) =>
      client
        .readContract(c)
        .then(toRound, (err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    ),
  );
  return { rounds, multicall: false };
}

async function publish(
  kv: KVNamespace,
  feed: Feed,
  round: Round | Error,
): Promise<{ counted: "fresh" | "rejected" | "failed"; problem?: string }> {
  const now = Date.now();
  if (round instanceof Error) return keepLast(kv, feed, now, shortError(round), "failed");
  const verdict = judgeRound(round, feed.heartbeatSeconds, now);
  if (!verdict.ok) return keepLast(kv, feed, now, verdict.reason, "rejected");
  await writePrice(kv, {
    pair: feed.pair,
    price: decimalOf(round.answer, feed.decimals),
    answer: round.answer.toString(),
    decimals: feed.decimals,
    roundId: round.roundId.toString(),
    updatedAt: new Date(Number(round.updatedAt) * 1000).toISOString(),
    heartbeatSeconds: feed.heartbeatSeconds,
    chain: feed.chain,
    feed: feed.address,
    checkedAt: new Date(now).toISOString(),
    stale: false,
  });
  return { counted: "fresh" };
}

/** A round that cannot be served: the last good price stays, marked stale with the reason. */
async function keepLast(
  kv: KVNamespace,
  feed: Feed,
  now: number,
  reason: string,
  counted: "rejected" | "failed",
): Promise<{ counted: "rejected" | "failed"; problem: string }> {
  const last = await readPrice(kv, feed.pair);
  if (last) {
    await writePrice(kv, {
      ...last,
      checkedAt: new Date(now).toISOString(),
      stale: true,
      staleReason: reason,
    });
  }
  return {
    counted,
    problem: `${reason}${last ? "; kept the last good price, marked stale" : "; no good price yet"}`,
  };
}

function shortError(err: Error): string {
  return ((err as { shortMessage?: string }).shortMessage ?? err.message).split("\n")[0] as string;
}
