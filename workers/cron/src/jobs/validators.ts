/**
 * @module
 * Every 15 minutes: reads each enabled Avalanche P-Chain's current validators (chains of kind
 * avalanche-p) and publishes the set with its totals to KV, the totals to D1 (kept 30 days). A
 * network that cannot be read keeps its last snapshot, marked stale, and makes the run partial.
 */
import { and, eq, lt } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { chains, validatorSnapshots } from "../../../../db/schema";
import { resolveChain } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { redact } from "../../../../shared/errors/redact";
import { JOB_SCHEDULE } from "../../../../shared/jobs/schedule";
import { readValidatorSnapshot, writeValidatorSnapshot } from "../../../../shared/stores/validators";
import { summarizeValidators } from "../../../../shared/validators/summarize";
import type { Job } from "../runs";
import { type ReadValidatorsReturnType, readValidators } from "../validators/read";

export const HISTORY_DAYS = 30;

type Read = Extract<ReadValidatorsReturnType, { ok: true }>;

export const validators: Job = {
  name: "validators",
  cron: JOB_SCHEDULE.validators,
  async run(env) {
    const db = dbOf(env.DB);
    const networks = await db
      .select({ slug: chains.slug })
      .from(chains)
      .where(and(eq(chains.enabled, true), eq(chains.kind, "avalanche-p")));
    const counts = {
      networks: networks.length,
      read: 0,
      failed: 0,
      validators: 0,
      dropped: 0,
      upstreamErrors: 0,
    };
    const problems: string[] = [];
    for (const { slug } of networks) {
      const chain = await resolveChain(env, slug, () => undefined);
      if (!chain) continue;
      const now = Date.now();
      const read = await readValidators(chain);
      counts.upstreamErrors += read.failures.length;
      if (!read.ok) {
        counts.failed++;
        problems.push(`${slug}: ${await keepLast(env.CONFIG_KV, slug, now, read.failures)}`);
        continue;
      }
      const count = await publish(env, slug, now, read);
      counts.read++;
      counts.validators += count;
      counts.dropped += read.dropped;
      if (read.dropped > 0) {
        problems.push(
          `${slug}: left out entries that did not read: ${read.dropped} (first: ${read.firstProblem})`,
        );
      }
    }
    await db
      .delete(validatorSnapshots)
      .where(lt(validatorSnapshots.at, Date.now() - HISTORY_DAYS * 86_400_000));
    return { counts, problems };
  },
};

/** The set as the network's latest snapshot in KV, and its totals as a row of D1 history. */
async function publish(env: Env, network: string, now: number, read: Read): Promise<number> {
  if (read.failures.length > 0) {
    // Another upstream answered: nothing is missing, but the operator should hear of the one that failed.
    const failures = read.failures.map((f) => redact(f));
    console.warn(JSON.stringify({ event: "validators_upstream_failed", network, failures }));
  }
  const summary = summarizeValidators(read.validators);
  const at = new Date(now).toISOString();
  await writeValidatorSnapshot(env.CONFIG_KV, {
    network,
    at,
    checkedAt: at,
    stale: false,
    ...summary,
    dropped: read.dropped,
    validators: read.validators,
  });
  await dbOf(env.DB)
    .insert(validatorSnapshots)
    .values({ network, at: now, ...summary, dropped: read.dropped, upstreamId: read.upstreamId });
  return summary.count;
}

/** A network that could not be read: its last snapshot stays, marked stale with the reason. */
async function keepLast(kv: KVNamespace, network: string, now: number, failures: string[]): Promise<string> {
  const reason = `platform.getCurrentValidators failed on every upstream (${failures.join("; ")})`;
  const last = await readValidatorSnapshot(kv, network);
  if (!last) return `${reason}; no snapshot yet`;
  await writeValidatorSnapshot(kv, {
    ...last,
    checkedAt: new Date(now).toISOString(),
    stale: true,
    staleReason: reason,
  });
  return `${reason}; kept the snapshot read at ${last.at}, marked stale`;
}
