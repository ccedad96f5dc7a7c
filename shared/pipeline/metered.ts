/**
 * @module
 * A request's calls, metered: admitted against the key's limits (the rate-limit headers go into
 * `headers` either way), answered, and counted in the tenant's usage whatever the outcome.
 */

import { admit } from "../metering/admit";
import { costsOf, usageOf } from "../metering/calls";
import { recordUsage } from "../metering/report";
import { type AnswerItemsParameters, type AnswerItemsReturnType, answerItems } from "./answer";

export interface AnswerMeteredParameters extends AnswerItemsParameters {
  /** Seconds of the rate one lease holds. */
  leaseSeconds: number;
  /** Response headers: the rate-limit headers are added here. */
  headers: Record<string, string>;
}

/** Throws the limit's error when the request is refused. */
export async function answerMetered(p: AnswerMeteredParameters): Promise<AnswerItemsReturnType> {
  const { env, key, items, waitUntil } = p;
  const costs = costsOf(items, key.namespaces);
  let cost = 0;
  for (const c of costs) cost += c;
  const admission = await admit({ env, key, cost, leaseSeconds: p.leaseSeconds, waitUntil });
  Object.assign(p.headers, admission.headers);
  if (admission.error) throw admission.error;
  let answered: AnswerItemsReturnType | undefined;
  try {
    answered = await answerItems(p);
    return answered;
  } finally {
    const failed = answered?.answers.map((a) => !a.ok);
    const rows = usageOf({ items, costs, failed, keyId: key.keyId, chain: p.chain.slug, now: Date.now() });
    recordUsage(env, key.tenantId, rows, waitUntil);
  }
}
