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

/** A chain as answered (the drift test holds every example to its schema). */
export const CHAIN_EXAMPLE = {
  slug: "base",
  chainId: 8453,
  name: "Base",
  enabled: true,
  budgetMs: 10_000,
  maxLagBlocks: 5,
  blockTimeMs: 2_000,
  finalityDepth: 64,
  logsBlockRange: 10_000,
  logsMaxResults: 10_000,
  kind: "evm",
  maxResponseBytes: 16_777_216,
  cacheGeneration: 0,
  createdAt: 1_764_633_600_000,
};

export const CHAIN_LIST_EXAMPLE = {
  chains: [
    { ...CHAIN_EXAMPLE, slug: "ethereum", chainId: 1, name: "Ethereum", blockTimeMs: 12_000 },
    CHAIN_EXAMPLE,
  ],
};

const { cacheGeneration: _, ...created } = CHAIN_EXAMPLE;
export const CREATED_CHAIN_EXAMPLE = created;

/** POST /chains: the fields left out take their defaults. */
export const CREATE_CHAIN_EXAMPLE = {
  slug: "base",
  chainId: 8453,
  name: "Base",
  blockTimeMs: 2_000,
  maxResponseBytes: 16_777_216,
};

export const UPDATE_CHAIN_EXAMPLE = { budgetMs: 8_000, maxLagBlocks: 10 };

export const CACHE_PURGED_EXAMPLE = { chain: "base", cacheGeneration: 1 };
