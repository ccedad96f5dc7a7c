/**
 * /admin/v1/sanction-sources: where the sanctions job reads addresses from (lists at URLs, the
 * Chainalysis oracle on a chain), with each source's last read: size, when, and why it last failed. A
 * list may pin the SHA-256 of its body (`sha256`): any other body fails that source.
 */
import { eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { sanctionSources } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { randomId } from "../../../../shared/crypto/hash";
import { InvalidBodyError, NotFoundError } from "../../../../shared/errors/kinds";
import { param } from "../openapi/op";
import { adminRouter, op } from "./router";
import { CreateSanctionSource, UpdateSanctionSource } from "./schemas";
import { requireEgressUrl } from "./upstreamUrl";
import {
  CREATE_SANCTION_SOURCE_EXAMPLE,
  SANCTION_SOURCE_EXAMPLE,
  SANCTION_SOURCE_LIST_EXAMPLE,
  SanctionSourceList,
  SanctionSourceView,
  UPDATE_SANCTION_SOURCE_EXAMPLE,
} from "./views/sanctions";

type Source = typeof sanctionSources.$inferSelect;

/** A source as shown: its addresses counted, not listed (the compliance report has the sets). */
const view = ({ addresses, ...source }: Source) => ({ ...source, size: addresses?.length ?? 0 });

async function requireSource(db: Db, id: string) {
  const source = await db.select().from(sanctionSources).where(eq(sanctionSources.id, id)).get();
  if (!source) throw new NotFoundError(`no sanctions source ${id}`);
  return source;
}

const TAG = "Sanctions";

export const sanctionSourceRoutes = adminRouter()
  .get(
    "/",
    op(
      {
        summary: "List sanctions sources",
        description: "Each source with its last read: how many addresses, when, and why it last failed.",
        tag: TAG,
        access: "admin:read",
        responses: {
          200: {
            description: "Every source, by name",
            schema: SanctionSourceList,
            example: SANCTION_SOURCE_LIST_EXAMPLE,
          },
        },
      },
      async (c) => {
        const rows = await dbOf(c.env.DB).select().from(sanctionSources).orderBy(sanctionSources.name);
        return c.json({ sources: rows.map(view) });
      },
    ),
  )
  .post(
    "/",
    op(
      {
        summary: "Add a sanctions source",
        description: "A list at a URL (which may pin the SHA-256 of its body), or the oracle on a chain.",
        tag: TAG,
        access: "admin:write",
        body: CreateSanctionSource,
        bodyExample: CREATE_SANCTION_SOURCE_EXAMPLE,
        responses: {
          201: {
            description: "The source added",
            schema: SanctionSourceView,
            example: SANCTION_SOURCE_EXAMPLE,
          },
        },
      },
      async (c, { body }) => {
        if (body.kind === "list") requireEgressUrl(body.url, c.env);
        const db = dbOf(c.env.DB);
        const source = { id: randomId("src"), ...body, createdAt: Date.now() };
        await commitWithAudit(
          c.env,
          { actor: c.get("actor"), action: "sanction_source.create", target: source.id, after: source },
          [db.insert(sanctionSources).values(source)],
        );
        return c.json(view({ ...(await requireSource(db, source.id)) }), 201);
      },
    ),
  )
  .patch(
    "/:id",
    op(
      {
        summary: "Change a sanctions source",
        description: "A list given a new URL starts over: its old addresses are not kept for it.",
        tag: TAG,
        access: "admin:write",
        body: UpdateSanctionSource,
        bodyExample: UPDATE_SANCTION_SOURCE_EXAMPLE,
        responses: {
          200: {
            description: "The source as changed",
            schema: SanctionSourceView,
            example: SANCTION_SOURCE_EXAMPLE,
          },
        },
      },
      async (c, { body: changes }) => {
        const db = dbOf(c.env.DB);
        const before = await requireSource(db, param(c, "id"));
        if (changes.url && before.kind !== "list")
          throw new InvalidBodyError("url: only a list source has a URL");
        if (changes.sha256 !== undefined && before.kind !== "list")
          throw new InvalidBodyError("sha256: only a list source has a body to pin");
        if (changes.url) requireEgressUrl(changes.url, c.env);
        // A new URL is a new list: the old one's addresses are not kept for it.
        const reset =
          changes.url && changes.url !== before.url ? { addresses: null, readAt: null, dropped: 0 } : {};
        const after = { ...before, ...changes, ...reset };
        await commitWithAudit(
          c.env,
          {
            actor: c.get("actor"),
            action: "sanction_source.update",
            target: before.id,
            before: view(before),
            after: view(after),
          },
          [
            db
              .update(sanctionSources)
              .set({ ...changes, ...reset })
              .where(eq(sanctionSources.id, before.id)),
          ],
        );
        return c.json(view(after));
      },
    ),
  )
  .delete(
    "/:id",
    op(
      {
        summary: "Remove a sanctions source",
        tag: TAG,
        access: "admin:write",
        responses: { 204: { description: "Removed" } },
      },
      async (c) => {
        const db = dbOf(c.env.DB);
        const before = await requireSource(db, param(c, "id"));
        await commitWithAudit(
          c.env,
          {
            actor: c.get("actor"),
            action: "sanction_source.delete",
            target: before.id,
            before: view(before),
          },
          [db.delete(sanctionSources).where(eq(sanctionSources.id, before.id))],
        );
        return c.body(null, 204);
      },
    ),
  );
