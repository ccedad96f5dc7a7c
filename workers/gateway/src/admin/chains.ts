/**
 * /admin/v1/chains: the chains served, their settings, cache purges and health; their upstreams
 * (./chainUpstreams.ts) are under /admin/v1/chains/:chain/upstreams.
 */
import { eq } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { chains } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { forgetChain, resolveRpcChain } from "../../../../shared/config/chains";
import { healthReport } from "../../../../shared/routing/healthReport";
import { probeChain } from "../../../../shared/routing/probe";
import { param } from "../openapi/op";
import { CHAIN_HEALTH_EXAMPLE } from "../views/health";
import { chainUpstreamRoutes, requireChain } from "./chainUpstreams";
import { adminRouter, op } from "./router";
import { CreateChain, UpdateChain } from "./schemas";
import {
  CACHE_PURGED_EXAMPLE,
  CachePurged,
  CHAIN_EXAMPLE,
  CHAIN_LIST_EXAMPLE,
  ChainHealth,
  ChainList,
  ChainView,
  CREATE_CHAIN_EXAMPLE,
  CREATED_CHAIN_EXAMPLE,
  CreatedChain,
  UPDATE_CHAIN_EXAMPLE,
} from "./views/chains";

const TAG = "Chains";

const listChains = op(
  {
    summary: "List chains",
    tag: TAG,
    access: "admin:read",
    responses: {
      200: { description: "Every chain, oldest first", schema: ChainList, example: CHAIN_LIST_EXAMPLE },
    },
  },
  async (c) => c.json({ chains: await dbOf(c.env.DB).select().from(chains).orderBy(chains.createdAt) }),
);

const createChain = op(
  {
    summary: "Create a chain",
    description: "An evm chain is served at /v1/<slug> once it has an upstream.",
    tag: TAG,
    access: "admin:write",
    body: CreateChain,
    bodyExample: CREATE_CHAIN_EXAMPLE,
    responses: {
      201: { description: "The chain made", schema: CreatedChain, example: CREATED_CHAIN_EXAMPLE },
    },
  },
  async (c, { body }) => {
    const db = dbOf(c.env.DB);
    const chain = { ...body, createdAt: Date.now() };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "chain.create", target: chain.slug, after: chain },
      [db.insert(chains).values(chain)],
    );
    await forgetChain(c.env, chain.slug);
    return c.json(chain, 201);
  },
);

const updateChain = op(
  {
    summary: "Change a chain",
    tag: TAG,
    access: "admin:write",
    body: UpdateChain,
    bodyExample: UPDATE_CHAIN_EXAMPLE,
    responses: { 200: { description: "The chain as changed", schema: ChainView, example: CHAIN_EXAMPLE } },
  },
  async (c, { body: changes }) => {
    const db = dbOf(c.env.DB);
    const before = await requireChain(db, param(c, "chain"));
    const after = { ...before, ...changes };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "chain.update", target: before.slug, before, after },
      [db.update(chains).set(changes).where(eq(chains.slug, before.slug))],
    );
    await forgetChain(c.env, before.slug);
    return c.json(after);
  },
);

const purgeCache = op(
  {
    summary: "Purge a chain's response cache",
    description:
      "Raises the chain's cache generation, which orphans every answer cached under the older one.",
    tag: TAG,
    access: "admin:write",
    responses: {
      200: { description: "The new cache generation", schema: CachePurged, example: CACHE_PURGED_EXAMPLE },
    },
  },
  async (c) => {
    const db = dbOf(c.env.DB);
    const before = await requireChain(db, param(c, "chain"));
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
  },
);

const chainHealth = op(
  {
    summary: "Read a chain's health",
    description: "Probes its upstreams, then reports what the isolate answering knows of them, by id.",
    tag: TAG,
    access: "admin:read",
    responses: {
      200: {
        description: "One isolate's view of the chain's upstreams",
        schema: ChainHealth,
        example: CHAIN_HEALTH_EXAMPLE,
      },
    },
  },
  async (c) => {
    const slug = param(c, "chain");
    await requireChain(dbOf(c.env.DB), slug);
    const config = await resolveRpcChain(c.env, slug, (p) => c.executionCtx.waitUntil(p));
    await probeChain(c.env.CONFIG_KV, config, (p) => c.executionCtx.waitUntil(p));
    return c.json(healthReport(config));
  },
);

export const chainRoutes = adminRouter()
  .get("/", listChains)
  .post("/", createChain)
  .patch("/:chain", updateChain)
  .post("/:chain/cache/purge", purgeCache)
  .get("/:chain/health", chainHealth)
  .route("/:chain/upstreams", chainUpstreamRoutes);
