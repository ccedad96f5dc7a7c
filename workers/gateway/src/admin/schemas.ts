/** Request bodies of the admin API. */
import { z } from "zod";
import { PLAN_NAMESPACES } from "../../../../shared/methods/namespaces";

const name = z.string().trim().min(1).max(100);

const maxBatch = z.number().int().min(1).max(1000);
const namespaces = z.array(z.enum(PLAN_NAMESPACES));
/** Compute units per second: a plan's rate, or a key's cap below it. */
const cuPerSecond = z.number().int().min(1).max(100_000_000);
const burstCu = z.number().int().min(1).max(1_000_000_000);
const monthlyCu = z.number().int().min(0).max(1e15);
const onMeterDown = z.enum(["closed", "open"]);
const logsMaxBlockRange = z.number().int().min(1).max(100_000_000);
const wsMaxConnections = z.number().int().min(0).max(1_000_000);
const wsMaxSubscriptions = z.number().int().min(1).max(10_000);
const wsMaxMessageBytes = z.number().int().min(1_024).max(1_048_576);
const wsMaxWildcardSubscriptions = z.number().int().min(0).max(10_000);
const maxFilters = z.number().int().min(0).max(100_000);
const screening = z.enum(["block", "flag"]);
/** Method names, as the gateway accepts them (shared/jsonrpc/parse.ts). */
const unscreenedSends = z.array(z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "a method name")).max(50);

export const CreatePlan = z.strictObject({
  name,
  maxBatch: maxBatch.default(100),
  namespaces: namespaces.default([]),
  cuPerSecond: cuPerSecond.default(500),
  burstCu: burstCu.default(1_000),
  monthlyCu: monthlyCu.default(30_000_000),
  onMeterDown: onMeterDown.default("closed"),
  logsMaxBlockRange: logsMaxBlockRange.default(100_000),
  wsMaxConnections: wsMaxConnections.default(100),
  wsMaxSubscriptions: wsMaxSubscriptions.default(100),
  wsMaxMessageBytes: wsMaxMessageBytes.default(131_072),
  wsMaxWildcardSubscriptions: wsMaxWildcardSubscriptions.default(10),
  maxFilters: maxFilters.default(100),
  screening: screening.default("block"),
  unscreenedSends: unscreenedSends.default([]),
  requireJwt: z.boolean().default(false),
});

export const UpdatePlan = z
  .strictObject({
    name: name.optional(),
    maxBatch: maxBatch.optional(),
    namespaces: namespaces.optional(),
    cuPerSecond: cuPerSecond.optional(),
    burstCu: burstCu.optional(),
    monthlyCu: monthlyCu.optional(),
    onMeterDown: onMeterDown.optional(),
    logsMaxBlockRange: logsMaxBlockRange.optional(),
    wsMaxConnections: wsMaxConnections.optional(),
    wsMaxSubscriptions: wsMaxSubscriptions.optional(),
    wsMaxMessageBytes: wsMaxMessageBytes.optional(),
    wsMaxWildcardSubscriptions: wsMaxWildcardSubscriptions.optional(),
    maxFilters: maxFilters.optional(),
    screening: screening.optional(),
    unscreenedSends: unscreenedSends.optional(),
    requireJwt: z.boolean().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

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

const keyName = z.string().trim().max(100);

/** A key's allowlist (issue 19), by shape; tenants.ts checks its entries. [] would allow nothing. */
const ruleList = (empty: string) =>
  z.array(z.string().max(300)).min(1, `an empty list would allow nothing: ${empty}`).max(200).nullish();
const newRuleList = ruleList("leave the field out for no rule");
const changedRuleList = ruleList("send null to remove the rule");

export const CreateKey = z.strictObject({
  name: keyName.default(""),
  /** A cap below the plan's CU per second; null: the plan's. */
  cuPerSecond: cuPerSecond.nullable().default(null),
  allowedOrigins: newRuleList,
  allowedIps: newRuleList,
  allowedMethods: newRuleList,
  allowedContracts: newRuleList,
  allowedChains: newRuleList,
  /** Every request needs a JWT signed by one of the tenant's keys. */
  requireJwt: z.boolean().default(false),
});

/** A list set to null removes that rule. */
export const UpdateKey = z
  .strictObject({
    name: keyName.optional(),
    cuPerSecond: cuPerSecond.nullable().optional(),
    allowedOrigins: changedRuleList,
    allowedIps: changedRuleList,
    allowedMethods: changedRuleList,
    allowedContracts: changedRuleList,
    allowedChains: changedRuleList,
    requireJwt: z.boolean().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

/** A tenant's public JWT key; its members are checked by shared/crypto/publicJwk.ts. */
export const CreateJwtKey = z.strictObject({
  jwk: z
    .record(z.string(), z.unknown())
    .refine((jwk) => JSON.stringify(jwk).length <= 4_096, "at most 4 KiB"),
});

export const UpdateJwtKey = z.strictObject({ status: z.enum(["active", "disabled"]) });

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a UTC day as YYYY-MM-DD");

/** Query of the usage endpoints: days inclusive, this month so far by default. */
export const UsageQuery = z
  .strictObject({ from: day.optional(), to: day.optional(), keyId: z.string().min(1).max(64).optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, "from must not be after to");

const budgetMs = z.number().int().min(100).max(60_000);
const maxLagBlocks = z.number().int().min(0).max(10_000);
const blockTimeMs = z.number().int().min(100).max(600_000);
const finalityDepth = z.number().int().min(0).max(1_000_000);
const logsBlockRange = z.number().int().min(1).max(10_000_000);
/** Bytes of one upstream answer: at least 256, at most 64 MiB (an isolate has 128 MiB). */
const maxResponseBytes = z
  .number()
  .int()
  .min(256)
  .max(64 * 1024 * 1024);
const logsMaxResults = z.number().int().min(1).max(1_000_000);

/** Paths under /v1 that are endpoints of their own, not chains. */
const RESERVED_SLUGS = new Map([
  ["usage", "/v1/usage is the usage endpoint"],
  ["prices", "/v1/prices is the price endpoint"],
  ["validators", "/v1/validators is the validators endpoint"],
]);

/**
 * A chain. `kind` is fixed at creation: `evm` (JSON-RPC, the default) needs its `chainId`; an
 * `avalanche-p` chain (read only by the validators job) may leave it out, and is stored with 0.
 */
export const CreateChain = z
  .strictObject({
    slug: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes, at most 63 characters")
      .superRefine((slug, ctx) => {
        const why = RESERVED_SLUGS.get(slug);
        if (why) ctx.addIssue({ code: "custom", message: `reserved: ${why}` });
      }),
    kind: z.enum(["evm", "avalanche-p"]).default("evm"),
    chainId: z.number().int().positive().optional(),
    name,
    enabled: z.boolean().default(true),
    budgetMs: budgetMs.default(10_000),
    maxLagBlocks: maxLagBlocks.default(5),
    blockTimeMs: blockTimeMs.default(12_000),
    finalityDepth: finalityDepth.default(64),
    logsBlockRange: logsBlockRange.default(10_000),
    logsMaxResults: logsMaxResults.default(10_000),
    maxResponseBytes: maxResponseBytes.optional(),
  })
  .refine((c) => c.kind !== "evm" || c.chainId !== undefined, {
    message: "required for an evm chain: the id its upstreams answer to eth_chainId",
    path: ["chainId"],
  })
  .transform(({ chainId, ...chain }) => ({ ...chain, chainId: chainId ?? 0 }));

export const UpdateChain = z
  .strictObject({
    name: name.optional(),
    enabled: z.boolean().optional(),
    budgetMs: budgetMs.optional(),
    maxLagBlocks: maxLagBlocks.optional(),
    blockTimeMs: blockTimeMs.optional(),
    finalityDepth: finalityDepth.optional(),
    logsBlockRange: logsBlockRange.optional(),
    logsMaxResults: logsMaxResults.optional(),
    maxResponseBytes: maxResponseBytes.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

const upstreamUrl = z
  .string()
  .url()
  .refine((u) => /^(https?|wss?):\/\//.test(u), "must be an http(s) or ws(s) URL");
const capabilityList = z.array(z.enum(["archive", "trace", "debug", "ws"]));
const oldestBlock = z.number().int().nonnegative().nullable();

export const CreateUpstream = z.strictObject({
  name,
  url: upstreamUrl,
  enabled: z.boolean().default(true),
  capabilities: capabilityList.default([]),
  oldestBlock: oldestBlock.default(null),
  /** The status page may show its name. */
  public: z.boolean().default(false),
});

export const UpdateUpstream = z
  .strictObject({
    name: name.optional(),
    url: upstreamUrl.optional(),
    enabled: z.boolean().optional(),
    // No default: zod 4 would apply it inside optional(), and a PATCH without it must keep them.
    capabilities: capabilityList.optional(),
    oldestBlock: oldestBlock.optional(),
    public: z.boolean().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

/** A pair as served: two tickers, `BASE/QUOTE`. */
const pair = z
  .string()
  .regex(/^[A-Z0-9]{1,12}\/[A-Z0-9]{1,12}$/, "a pair such as ETH/USD (upper case, one slash)");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address: 0x and 40 hex digits");
const heartbeatSeconds = z
  .number()
  .int()
  .min(1)
  .max(7 * 86_400);

export const CreatePriceFeed = z.strictObject({
  pair,
  chain: z.string().min(1).max(64),
  address,
  decimals: z.number().int().min(0).max(36),
  heartbeatSeconds,
  enabled: z.boolean().default(true),
});

export const UpdatePriceFeed = z
  .strictObject({
    address: address.optional(),
    heartbeatSeconds: heartbeatSeconds.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

const fromBlock = z.number().int().nonnegative().nullable();
const listUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");

/** The SHA-256 a list's body must have (64 hex digits), kept lower-case. */
const listSha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "64 hex digits: the SHA-256 of the list's body")
  .transform((hex) => hex.toLowerCase());

/** A sanctions list at a URL (its body optionally pinned by SHA-256), or the Chainalysis oracle's events on a chain. */
export const CreateSanctionSource = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("list"),
    name,
    url: listUrl,
    sha256: listSha256.optional(),
    enabled: z.boolean().default(true),
  }),
  z.strictObject({
    kind: z.literal("oracle"),
    name,
    chain: z.string().min(1).max(64),
    address,
    /** The contract's first block; null: the job finds it (needs an archive upstream). */
    fromBlock: fromBlock.default(null),
    enabled: z.boolean().default(true),
  }),
]);

export const UpdateSanctionSource = z
  .strictObject({
    name: name.optional(),
    url: listUrl.optional(),
    /** null: unpin. */
    sha256: listSha256.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

const instant = z.iso.datetime({ offset: true }).or(z.iso.date());

/** Query of the audit verification: the rows written from `from` on (default: every row). */
export const AuditVerifyQuery = z.strictObject({ from: instant.optional() });

/** Query of the compliance report: a period, the last 30 days by default. */
export const ComplianceQuery = z
  .strictObject({ from: instant.optional(), to: instant.optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), "from must not be after to");
