/**
 * @module
 * What GET /v1/prices and /v1/prices/:pair answer: the price job's entries (shared/stores/prices.ts's
 * PriceEntry) as served, stale when the job or the heartbeat says so.
 */
import { z } from "zod";

/** One pair's latest price. */
export const PriceView = z.object({
  pair: z.string().describe("BASE/QUOTE, e.g. ETH/USD"),
  price: z.string().describe('The answer as a decimal string ("3012.45")'),
  answer: z.string().describe("The feed's raw answer, an integer string"),
  decimals: z.number().int(),
  roundId: z.string(),
  updatedAt: z.string().describe("When the feed updated this round, ISO 8601"),
  heartbeatSeconds: z.number().int(),
  chain: z.string().describe("The chain the feed is read on"),
  feed: z.string().describe("The feed contract's address"),
  checkedAt: z.string().describe("When the price job last read the feed, ISO 8601"),
  stale: z.boolean(),
  staleReason: z.string().optional(),
});

export const PriceList = z.object({ prices: z.array(PriceView) });

/** A price as answered (the drift test holds it to PriceView). */
export const PRICE_EXAMPLE = {
  pair: "ETH/USD",
  price: "3012.45",
  answer: "301245000000",
  decimals: 8,
  roundId: "129127208515966867353",
  updatedAt: "2026-12-02T12:59:47.000Z",
  heartbeatSeconds: 3_600,
  chain: "ethereum",
  feed: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419",
  checkedAt: "2026-12-02T13:00:00.000Z",
  stale: false,
};

export const PRICE_LIST_EXAMPLE = { prices: [PRICE_EXAMPLE] };
