/**
 * @module
 * Every minute: probes each enabled upstream of each enabled EVM chain (chain id, head, finalized
 * block, syncing, latency), publishes each chain's health snapshot to KV for the gateway's isolates,
 * and keeps 7 days of readings in D1. An upstream that answers another chain's id is disabled, with the
 * reason on it in the admin API and a row in the audit log.
 */
import { and, eq, lt } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { chains, upstreamProbes, upstreams } from "../../../../db/schema";
import { commitWithAudit } from "../../../../shared/audit/log";
import { type ChainConfig, forgetChain, resolveChain } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { JOB_SCHEDULE } from "../../../../shared/jobs/schedule";
import { probeUpstream } from "../../../../shared/routing/probe";
import { headOf, readSnapshot, writeSnapshot } from "../../../../shared/stores/health";
import type { Job } from "../runs";

export const HISTORY_DAYS = 7;
const ACTOR = "cron:probes";

export const probes: Job = {
  name: "probes",
  cron: JOB_SCHEDULE.probes,
  async run(env) {
    const db = dbOf(env.DB);
    // EVM chains only: a P-Chain node would be asked eth_chainId (the validators job reads those).
    const slugs = await db
      .select({ slug: chains.slug })
      .from(chains)
      .where(and(eq(chains.enabled, true), eq(chains.kind, "evm")));
    const counts = { chains: 0, upstreams: 0, healthy: 0, failed: 0, disabled: 0 };
    const problems: string[] = [];
    const waitUntil = () => undefined;
    for (const { slug } of slugs) {
      const chain = await resolveChain(env, slug, waitUntil);
      if (!chain) continue;
      counts.chains++;
      const at = Date.now();
      const readings = await Promise.all(
        chain.upstreams.map(async (u) => ({ id: u.id, ...(await probeUpstream(chain, u)) })),
      );
      const previous = await readSnapshot(env.CONFIG_KV, slug);
      await writeSnapshot(env.CONFIG_KV, {
        chain: slug,
        at,
        upstreams: readings,
        ...headOf(readings, previous, at),
      });
      if (readings.length > 0) {
        await db.insert(upstreamProbes).values(
          readings.map((r) => ({
            at,
            chain: slug,
            upstreamId: r.id,
            ok: r.ok,
            latencyMs: r.latencyMs,
            head: r.head ?? null,
            finalized: r.finalized ?? null,
            syncing: r.syncing ?? null,
            error: r.error ?? null,
          })),
        );
      }
      for (const r of readings) {
        counts.upstreams++;
        if (r.ok) counts.healthy++;
        else counts.failed++;
        if (r.chainIdOk === false) {
          await disable(env, chain, r.id, r.error ?? "wrong chain id");
          counts.disabled++;
          problems.push(`${slug}/${r.id} disabled: ${r.error}`);
        }
      }
    }
    await db.delete(upstreamProbes).where(lt(upstreamProbes.at, Date.now() - HISTORY_DAYS * 86_400_000));
    return { counts, problems };
  },
};

async function disable(env: Env, chain: ChainConfig, id: string, reason: string) {
  const db = dbOf(env.DB);
  const disabledReason = `disabled by the probe job at ${new Date().toISOString()}: ${reason}`;
  const where = and(eq(upstreams.id, id), eq(upstreams.chain, chain.slug));
  await commitWithAudit(
    env,
    {
      actor: ACTOR,
      action: "upstream.disable",
      target: id,
      before: { enabled: true },
      after: { enabled: false, disabledReason },
    },
    [db.update(upstreams).set({ enabled: false, disabledReason, updatedAt: Date.now() }).where(where)],
  );
  await forgetChain(env, chain.slug);
}
