/** Request bodies of the admin API. */
import { z } from "zod";
import { PLAN_NAMESPACES } from "../../../../shared/methods/namespaces";

const name = z.string().trim().min(1).max(100);

export const CreatePlan = z.strictObject({
  name,
  maxBatch: z.number().int().min(1).max(1000).default(100),
  namespaces: z.array(z.enum(PLAN_NAMESPACES)).default([]),
});

export const CreateTenant = z.strictObject({
  name,
  planId: z.string().min(1),
});

export const UpdateTenant = z
  .strictObject({
    name: name.optional(),
    planId: z.string().min(1).optional(),
    status: z.enum(["active", "suspended"]).optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

export const CreateKey = z.strictObject({
  name: z.string().trim().max(100).default(""),
});

const budgetMs = z.number().int().min(100).max(60_000);
const maxLagBlocks = z.number().int().min(0).max(10_000);

export const CreateChain = z.strictObject({
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes, at most 63 characters"),
  chainId: z.number().int().positive(),
  name,
  enabled: z.boolean().default(true),
  budgetMs: budgetMs.default(10_000),
  maxLagBlocks: maxLagBlocks.default(5),
});

export const UpdateChain = z
  .strictObject({
    name: name.optional(),
    enabled: z.boolean().optional(),
    budgetMs: budgetMs.optional(),
    maxLagBlocks: maxLagBlocks.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

const upstreamUrl = z
  .string()
  .url()
  .refine((u) => /^(https?|wss?):\/\//.test(u), "must be an http(s) or ws(s) URL");
const capabilities = z.array(z.enum(["archive", "trace", "debug", "ws"])).default([]);
const oldestBlock = z.number().int().nonnegative().nullable();

export const CreateUpstream = z.strictObject({
  name,
  url: upstreamUrl,
  enabled: z.boolean().default(true),
  capabilities,
  oldestBlock: oldestBlock.default(null),
});

export const UpdateUpstream = z
  .strictObject({
    name: name.optional(),
    url: upstreamUrl.optional(),
    enabled: z.boolean().optional(),
    capabilities: capabilities.optional(),
    oldestBlock: oldestBlock.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");
