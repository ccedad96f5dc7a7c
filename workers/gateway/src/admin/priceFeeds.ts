/** /admin/v1/price-feeds: the Chainlink feeds the price job reads (workers/cron/src/jobs/prices.ts). */
import { eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { priceFeeds } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { randomId } from "../../../../shared/crypto/hash";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { param } from "../openapi/op";
import { adminRouter, op } from "./router";
import { CreatePriceFeed, UpdatePriceFeed } from "./schemas";
import {
  CREATE_PRICE_FEED_EXAMPLE,
  PRICE_FEED_EXAMPLE,
  PRICE_FEED_LIST_EXAMPLE,
  PriceFeedList,
  PriceFeedView,
  UPDATE_PRICE_FEED_EXAMPLE,
} from "./views/priceFeeds";

async function requireFeed(db: Db, id: string) {
  const feed = await db.select().from(priceFeeds).where(eq(priceFeeds.id, id)).get();
  if (!feed) throw new NotFoundError(`no price feed ${id}`);
  return feed;
}

const TAG = "Price feeds";

export const priceFeedRoutes = adminRouter()
  .get(
    "/",
    op(
      {
        summary: "List price feeds",
        tag: TAG,
        access: "admin:read",
        responses: {
          200: {
            description: "Every feed, by pair",
            schema: PriceFeedList,
            example: PRICE_FEED_LIST_EXAMPLE,
          },
        },
      },
      async (c) => c.json({ feeds: await dbOf(c.env.DB).select().from(priceFeeds).orderBy(priceFeeds.pair) }),
    ),
  )
  .post(
    "/",
    op(
      {
        summary: "Add a price feed",
        tag: TAG,
        access: "admin:write",
        body: CreatePriceFeed,
        bodyExample: CREATE_PRICE_FEED_EXAMPLE,
        responses: {
          201: { description: "The feed added", schema: PriceFeedView, example: PRICE_FEED_EXAMPLE },
        },
      },
      async (c, { body }) => {
        const db = dbOf(c.env.DB);
        const feed = { id: randomId("feed"), ...body, createdAt: Date.now() };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "price_feed.create", target: feed.id, after: feed },
          [db.insert(priceFeeds).values(feed)],
        );
        return c.json(feed, 201);
      },
    ),
  )
  .patch(
    "/:id",
    op(
      {
        summary: "Change a price feed",
        tag: TAG,
        access: "admin:write",
        body: UpdatePriceFeed,
        bodyExample: UPDATE_PRICE_FEED_EXAMPLE,
        responses: {
          200: { description: "The feed as changed", schema: PriceFeedView, example: PRICE_FEED_EXAMPLE },
        },
      },
      async (c, { body: changes }) => {
        const db = dbOf(c.env.DB);
        const before = await requireFeed(db, param(c, "id"));
        const after = { ...before, ...changes };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "price_feed.update", target: before.id, before, after },
          [db.update(priceFeeds).set(changes).where(eq(priceFeeds.id, before.id))],
        );
        return c.json(after);
      },
    ),
  )
  .delete(
    "/:id",
    op(
      {
        summary: "Remove a price feed",
        tag: TAG,
        access: "admin:write",
        responses: { 204: { description: "Removed" } },
      },
      async (c) => {
        const db = dbOf(c.env.DB);
        const before = await requireFeed(db, param(c, "id"));
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "price_feed.delete", target: before.id, before },
          [db.delete(priceFeeds).where(eq(priceFeeds.id, before.id))],
        );
        return c.body(null, 204);
      },
    ),
  );
