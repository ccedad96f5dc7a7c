/**
 * @module
 * GET /v1/validators/:network: the validators job's latest snapshot of an Avalanche P-Chain (an
 * avalanche-p chain's slug) from KV, for any valid API key: the totals and the top validators by own
 * stake or by uptime (`?by=stake|uptime&limit=1..100`, stake and 10 by default).
 */
import { z } from "zod";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { asServed, readValidatorSnapshot } from "../../../../shared/stores/validators";
import { TOP_BY, topValidators } from "../../../../shared/validators/top";

export const MAX_TOP = 100;

export const ValidatorsQuery = z.strictObject({
  by: z.enum(TOP_BY).default("stake"),
  limit: z.coerce.number().int().min(1).max(MAX_TOP).default(10),
});

export async function validatorsOf(kv: KVNamespace, network: string, query: z.infer<typeof ValidatorsQuery>) {
  const snapshot = await readValidatorSnapshot(kv, network);
  if (!snapshot) {
    throw new NotFoundError(
      `no validator snapshot for "${network.slice(0, 64)}": a network is the slug of a chain of kind avalanche-p (POST /admin/v1/chains), read by the validators job every 15 minutes`,
    );
  }
  const { validators, ...summary } = asServed(snapshot, Date.now());
  return {
    ...summary,
    by: query.by,
    limit: query.limit,
    top: topValidators(validators, query.by, query.limit),
  };
}
