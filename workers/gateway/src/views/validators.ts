/**
 * @module
 * What GET /v1/validators/:network answers (../data/validators.ts): the validators job's snapshot of
 * an Avalanche P-Chain as served (shared/stores/validators.ts), its totals, and the top validators.
 */
import { z } from "zod";
import { TOP_BY } from "../../../../shared/validators/top";

/** shared/validators/parse.ts's Validator. */
const ValidatorView = z.object({
  nodeID: z.string(),
  stake: z.string().describe("Its own stake, nAVAX, a decimal string"),
  delegated: z.string().describe("Stake delegated to it, nAVAX"),
  delegatorCount: z.number().int(),
  delegationFee: z.number().nullable().describe("Percent of its delegators' rewards it keeps"),
  uptime: z.number().nullable().describe("Percent of time the answering node saw it online"),
  connected: z.boolean().nullable(),
  endTime: z.string().describe("When its validation period ends, ISO 8601"),
});

export const ValidatorsView = z.object({
  network: z.string(),
  at: z.string().describe("When the job read this set, ISO 8601"),
  checkedAt: z.string().describe("When the job last tried to read the network, ISO 8601"),
  stale: z.boolean(),
  staleReason: z.string().optional(),
  dropped: z.number().int().describe("Entries the node listed that did not read"),
  count: z.number().int(),
  connected: z.number().int(),
  totalStake: z.string().describe("The validators' own stake, nAVAX"),
  totalDelegated: z.string().describe("Stake delegated to them, nAVAX"),
  by: z.enum(TOP_BY),
  limit: z.number().int(),
  top: z.array(ValidatorView),
});
