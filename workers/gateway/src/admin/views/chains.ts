/**
 * What the admin API answers about chains: the rows of `chains`, described from the table itself,
 * and the health report of one isolate (../../views/health.ts, shared with GET /v1/:chain/health).
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { chains } from "../../../../../db/schema";

export const ChainView = createSelectSchema(chains);

export const ChainList = z.object({ chains: z.array(ChainView) });

/** A chain as created: the body with its defaults, before D1 fills in the rest. */
export const CreatedChain = ChainView.omit({ cacheGeneration: true, maxResponseBytes: true }).extend({
  maxResponseBytes: ChainView.shape.maxResponseBytes.optional().describe("Only when the body gave it"),
});

export const CachePurged = z.object({
  chain: z.string(),
  /** Raised by one: every answer cached under the older generation is orphaned. */
  cacheGeneration: z.number().int(),
});

/** One isolate's health report of a chain, as GET /v1/:chain/health answers it too. */
export { ChainHealth } from "../../views/health";
