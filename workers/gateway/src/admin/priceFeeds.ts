/** /admin/v1/price-feeds: the Chainlink feeds the price job reads (workers/cron/src/jobs/prices.ts). */
import { eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { priceFeeds } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { randomId } from "../../../../shared/crypto/hash";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { adminRouter } from "./router";
import { CreatePriceFeed, UpdatePriceFeed } from "./schemas";
import { validBody } from "./validate";

async function requireFeed(db: Db, id: string) {
  const feed = await db.select().from(priceFeeds).where(eq(priceFeeds.id, id)).get();
  if (!feed) throw new NotFoundError(`no price feed ${id}`);
  return feed;
}

export const priceFeedRoutes = adminRouter()
  .get("/", async (c) =>
    c.json({ feeds: await dbOf(c.env.DB).select().from(priceFeeds).orderBy(priceFeeds.pair) }),
  )
  .post("/", async (c) => {
    const body = await validBody(c, CreatePriceFeed);
    const db = dbOf(c.env.DB);
    const feed = { id: randomId("feed"), ...body, createdAt: Date.now() };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "price_feed.create", target: feed.id, after: feed },
      [db.insert(priceFeeds).values(feed)],
    );
    return c.json(feed, 201);
  })
  .patch("/:id", async (c) => {
    const changes = await validBody(c, UpdatePriceFeed);
    const db = dbOf(c.env.DB);
    const before = await requireFeed(db, c.req.param("id"));
    const after = { ...before, ...changes };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "price_feed.update", target: before.id, before, after },
      [db.update(priceFeeds).set(changes).where(eq(priceFeeds.id, before.id))],
    );
    return c.json(after);
  })
  .delete("/:id", async (c) => {
    const db = dbOf(c.env.DB);
    const before = await requireFeed(db, c.req.param("id"));
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "price_feed.delete", target: before.id, before },
      [db.delete(priceFeeds).where(eq(priceFeeds.id, before.id))],
    );
    return c.body(null, 204);
  });
