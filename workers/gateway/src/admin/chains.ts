/**
 * /admin/v1/chains and /admin/v1/chains/:chain/upstreams. Upstream URLs go in sealed and never come
 * out: responses and audit rows show an upstream's id, name and flags, and whether its URL changed.
 */
import { and, eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { chains, upstreams } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { forgetChain, resolveRpcChain, upstreamAad, upstreamKeyRing } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { randomId } from "../../../../shared/crypto/hash";
import { seal } from "../../../../shared/crypto/secretBox";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { healthReport } from "../../../../shared/routing/healthReport";
import { probeChain } from "../../../../shared/routing/probe";
import { adminRouter } from "./router";
import { CreateChain, CreateUpstream, UpdateChain, UpdateUpstream } from "./schemas";
import { requireUpstreamUrl } from "./upstreamUrl";
import { validBody } from "./validate";

const publicUpstreamColumns = {
  id: upstreams.id,
  chain: upstreams.chain,
  name: upstreams.name,
  enabled: upstreams.enabled,
  capabilities: upstreams.capabilities,
  oldestBlock: upstreams.oldestBlock,
  disabledReason: upstreams.disabledReason,
  createdAt: upstreams.createdAt,
  updatedAt: upstreams.updatedAt,
};

async function requireChain(db: Db, slug: string) {
  const chain = await db.select().from(chains).where(eq(chains.slug, slug)).get();
  if (!chain) throw new NotFoundError(`no chain ${slug}: create it with POST /admin/v1/chains`);
  return chain;
}

async function requireUpstream(db: Db, slug: string, id: string) {
  const found = await db
    .select(publicUpstreamColumns)
    .from(upstreams)
    .where(and(eq(upstreams.chain, slug), eq(upstreams.id, id)))
    .get();
  if (!found) throw new NotFoundError(`no upstream ${id} on chain ${slug}`);
  return found;
}

/** The URL sealed with the newest UPSTREAM_KEY key, bound to its upstream's row. */
const sealUrl = (env: Env, upstreamId: string, url: string) =>
  seal(url, upstreamKeyRing(env), upstreamAad(upstreamId));

export const chainRoutes = adminRouter()
  .get("/", async (c) =>
    c.json({ chains: await dbOf(c.env.DB).select().from(chains).orderBy(chains.createdAt) }),
  )
  .post("/", async (c) => {
    const body = await validBody(c, CreateChain);
    const db = dbOf(c.env.DB);
    const chain = { ...body, createdAt: Date.now() };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "chain.create", target: chain.slug, after: chain },
      [db.insert(chains).values(chain)],
    );
    await forgetChain(c.env, chain.slug);
    return c.json(chain, 201);
  })
  .patch("/:chain", async (c) => {
    const changes = await validBody(c, UpdateChain);
    const db = dbOf(c.env.DB);
    const before = await requireChain(db, c.req.param("chain"));
    const after = { ...before, ...changes };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "chain.update", target: before.slug, before, after },
      [db.update(chains).set(changes).where(eq(chains.slug, before.slug))],
    );
    await forgetChain(c.env, before.slug);
    return c.json(after);
  })
  .post("/:chain/cache/purge", async (c) => {
    const db = dbOf(c.env.DB);
    const before = await requireChain(db, c.req.param("chain"));
    const cacheGeneration = before.cacheGeneration + 1;
    await commitWithAudit(
      c.env,
      {
        actor: c.get("actor"),
        action: "chain.cache.purge",
        target: before.slug,
        before: { cacheGeneration: before.cacheGeneration },
        after: { cacheGeneration },
      },
      [db.update(chains).set({ cacheGeneration }).where(eq(chains.slug, before.slug))],
    );
    await forgetChain(c.env, before.slug);
    return c.json({ chain: before.slug, cacheGeneration });
  })
  .get("/:chain/health", async (c) => {
    const slug = c.req.param("chain");
    await requireChain(dbOf(c.env.DB), slug);
    const config = await resolveRpcChain(c.env, slug, (p) => c.executionCtx.waitUntil(p));
    await probeChain(c.env.CONFIG_KV, config, (p) => c.executionCtx.waitUntil(p));
    return c.json(healthReport(config));
  })
  .get("/:chain/upstreams", async (c) => {
    const db = dbOf(c.env.DB);
    const slug = c.req.param("chain");
    await requireChain(db, slug);
    const list = await db
      .select(publicUpstreamColumns)
      .from(upstreams)
      .where(eq(upstreams.chain, slug))
      .orderBy(upstreams.createdAt);
    return c.json({ upstreams: list });
  })
  .get("/:chain/upstreams/:id", async (c) =>
    c.json(await requireUpstream(dbOf(c.env.DB), c.req.param("chain"), c.req.param("id"))),
  )
  .post("/:chain/upstreams", async (c) => {
    const { url, ...body } = await validBody(c, CreateUpstream);
    const db = dbOf(c.env.DB);
    const slug = c.req.param("chain");
    requireUpstreamUrl((await requireChain(db, slug)).kind, url, c.env);
    const now = Date.now();
    const upstream = { id: randomId("ups"), chain: slug, ...body, createdAt: now, updatedAt: now };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "upstream.create", target: upstream.id, after: upstream },
      [db.insert(upstreams).values({ ...upstream, urlSealed: await sealUrl(c.env, upstream.id, url) })],
    );
    await forgetChain(c.env, slug);
    return c.json(upstream, 201);
  })
  .patch("/:chain/upstreams/:id", async (c) => {
    const { url, ...changes } = await validBody(c, UpdateUpstream);
    const db = dbOf(c.env.DB);
    const slug = c.req.param("chain");
    const before = await requireUpstream(db, slug, c.req.param("id"));
    if (url !== undefined) requireUpstreamUrl((await requireChain(db, slug)).kind, url, c.env);
    // Enabling an upstream again clears why the gateway disabled it.
    const cleared = changes.enabled === true ? { disabledReason: null } : {};
    const after = { ...before, ...changes, ...cleared, updatedAt: Date.now() };
    const sealed = url === undefined ? {} : { urlSealed: await sealUrl(c.env, before.id, url) };
    await commitWithAudit(
      c.env,
      {
        actor: c.get("actor"),
        action: "upstream.update",
        target: before.id,
        before,
        after: { ...after, urlChanged: url !== undefined },
      },
      [
        db
          .update(upstreams)
          .set({ ...changes, ...cleared, ...sealed, updatedAt: after.updatedAt })
          .where(eq(upstreams.id, before.id)),
      ],
    );
    await forgetChain(c.env, slug);
    return c.json(after);
  })
  .delete("/:chain/upstreams/:id", async (c) => {
    const db = dbOf(c.env.DB);
    const slug = c.req.param("chain");
    const before = await requireUpstream(db, slug, c.req.param("id"));
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "upstream.delete", target: before.id, before },
      [db.delete(upstreams).where(eq(upstreams.id, before.id))],
    );
    await forgetChain(c.env, slug);
    return c.body(null, 204);
  });
