/**
 * /admin/v1/chains/:chain/upstreams, mounted by ./chains.ts. Upstream URLs go in sealed and never come
 * out: responses and audit rows show an upstream's id, name and flags, and whether its URL changed.
 */
import { and, eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { chains, upstreams } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { forgetChain, upstreamAad, upstreamKeyRing } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { randomId } from "../../../../shared/crypto/hash";
import { seal } from "../../../../shared/crypto/secretBox";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { param } from "../openapi/op";
import { adminRouter, op } from "./router";
import { CreateUpstream, UpdateUpstream } from "./schemas";
import { requireUpstreamUrl } from "./upstreamUrl";
import {
  CREATE_UPSTREAM_EXAMPLE,
  CREATED_UPSTREAM_EXAMPLE,
  CreatedUpstream,
  UPDATE_UPSTREAM_EXAMPLE,
  UPDATED_UPSTREAM_EXAMPLE,
  UPSTREAM_EXAMPLE,
  UPSTREAM_LIST_EXAMPLE,
  UpdatedUpstream,
  UpstreamList,
  UpstreamView,
} from "./views/upstreams";

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

/** The chain's row; a NotFoundError when there is none. */
export async function requireChain(db: Db, slug: string) {
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

const TAG = "Upstreams";

const listUpstreams = op(
  {
    summary: "List a chain's upstreams",
    tag: TAG,
    access: "admin:read",
    responses: {
      200: {
        description: "Its upstreams, oldest first, without URLs",
        schema: UpstreamList,
        example: UPSTREAM_LIST_EXAMPLE,
      },
    },
  },
  async (c) => {
    const db = dbOf(c.env.DB);
    const slug = param(c, "chain");
    await requireChain(db, slug);
    const list = await db
      .select(publicUpstreamColumns)
      .from(upstreams)
      .where(eq(upstreams.chain, slug))
      .orderBy(upstreams.createdAt);
    return c.json({ upstreams: list });
  },
);

const readUpstream = op(
  {
    summary: "Read an upstream",
    tag: TAG,
    access: "admin:read",
    responses: {
      200: { description: "The upstream, without its URL", schema: UpstreamView, example: UPSTREAM_EXAMPLE },
    },
  },
  async (c) => c.json(await requireUpstream(dbOf(c.env.DB), param(c, "chain"), param(c, "id"))),
);

const createUpstream = op(
  {
    summary: "Add an upstream to a chain",
    description: "Its URL is sealed with the newest UPSTREAM_KEY key and never answered.",
    tag: TAG,
    access: "admin:write",
    body: CreateUpstream,
    bodyExample: CREATE_UPSTREAM_EXAMPLE,
    responses: {
      201: {
        description: "The upstream made, without its URL",
        schema: CreatedUpstream,
        example: CREATED_UPSTREAM_EXAMPLE,
      },
    },
  },
  async (c, { body: { url, ...body } }) => {
    const db = dbOf(c.env.DB);
    const slug = param(c, "chain");
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
  },
);

const updateUpstream = op(
  {
    summary: "Change an upstream",
    description: "Enabling it again clears why the gateway disabled it. A new URL is sealed, never answered.",
    tag: TAG,
    access: "admin:write",
    body: UpdateUpstream,
    bodyExample: UPDATE_UPSTREAM_EXAMPLE,
    responses: {
      200: {
        description: "The upstream as changed",
        schema: UpdatedUpstream,
        example: UPDATED_UPSTREAM_EXAMPLE,
      },
    },
  },
  async (c, { body: { url, ...changes } }) => {
    const db = dbOf(c.env.DB);
    const slug = param(c, "chain");
    const before = await requireUpstream(db, slug, param(c, "id"));
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
  },
);

const deleteUpstream = op(
  {
    summary: "Remove an upstream",
    tag: TAG,
    access: "admin:write",
    responses: { 204: { description: "Removed" } },
  },
  async (c) => {
    const db = dbOf(c.env.DB);
    const slug = param(c, "chain");
    const before = await requireUpstream(db, slug, param(c, "id"));
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "upstream.delete", target: before.id, before },
      [db.delete(upstreams).where(eq(upstreams.id, before.id))],
    );
    await forgetChain(c.env, slug);
    return c.body(null, 204);
  },
);

/** Routes under /admin/v1/chains/:chain/upstreams. */
export const chainUpstreamRoutes = adminRouter()
  .get("/", listUpstreams)
  .get("/:id", readUpstream)
  .post("/", createUpstream)
  .patch("/:id", updateUpstream)
  .delete("/:id", deleteUpstream);
