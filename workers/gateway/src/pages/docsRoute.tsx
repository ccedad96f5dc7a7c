/**
 * @module
 * The /docs handler: the reference page (docsPage.tsx) of the documents it is given, under the pages'
 * strict CSP.
 */
import type { Context } from "hono";
import { DocsPage } from "./docsPage";
import { PAGE_HEADERS } from "./security";

export interface ServedDocument {
  /** Where the document itself is served. */
  url: string;
  doc: Record<string, unknown>;
}

export function docsRoute(documents: () => ServedDocument[]) {
  return (c: Context) =>
    c.html(<DocsPage documents={documents()} />, 200, {
      ...PAGE_HEADERS,
      "cache-control": "public, max-age=300",
    });
}
