/** What the admin API answers about price feeds: the rows of `price_feeds`, described from the table itself. */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { priceFeeds } from "../../../../../db/schema";

export const PriceFeedView = createSelectSchema(priceFeeds);

export const PriceFeedList = z.object({ feeds: z.array(PriceFeedView) });

/** A feed as answered: Chainlink's ETH/USD on Ethereum (the drift test holds it to its schema). */
export const PRICE_FEED_EXAMPLE = {
  id: "feed_Hn6wQ1sZk8Pv3Tc5",
  pair: "ETH/USD",
  chain: "ethereum",
  address: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419",
  decimals: 8,
  heartbeatSeconds: 3_600,
  enabled: true,
  createdAt: 1_764_633_600_000,
};

export const PRICE_FEED_LIST_EXAMPLE = { feeds: [PRICE_FEED_EXAMPLE] };

export const CREATE_PRICE_FEED_EXAMPLE = {
  pair: "ETH/USD",
  chain: "ethereum",
  address: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419",
  decimals: 8,
  heartbeatSeconds: 3_600,
};

export const UPDATE_PRICE_FEED_EXAMPLE = { heartbeatSeconds: 1_800 };
