/** What the admin API answers about price feeds: the rows of `price_feeds`, described from the table itself. */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { priceFeeds } from "../../../../../db/schema";

export const PriceFeedView = createSelectSchema(priceFeeds);

export const PriceFeedList = z.object({ feeds: z.array(PriceFeedView) });
