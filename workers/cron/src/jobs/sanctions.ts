/**
 * @module
 * Hourly: reads every enabled sanctions source (lists at URLs, the Chainalysis oracle's events),
 * keeps each source's last good addresses, and publishes their union. A new version is made only
 * when the set changes: its SHA-256, size and diff against the previous version go to D1, the set to
 * KV for the gateway. A source that fails contributes its last good data and is reported; with no
 * source holding any data, nothing is published (never "nobody is sanctioned").
 */
import { desc, eq } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { sanctionSources, sanctionsSnapshots } from "../../../../db/schema";
import { resolveChain } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { settingsOf } from "../../../../shared/config/env";
import { JOB_SCHEDULE } from "../../../../shared/jobs/schedule";
import { chainCaller } from "../../../../shared/routing/chainCaller";
import { diff, listHash, union } from "../../../../shared/sanctions/list";
import { noteSanctions } from "../../../../shared/screening/sanctionsSet";
import { publish } from "../../../../shared/stores/sanctions";
import type { Job } from "../runs";
import { readList } from "../sanctions/readList";
import { readOracle } from "../sanctions/readOracle";

type Source = typeof sanctionSources.$inferSelect;

/** How a source fared this run, as kept with the snapshot. */
export interface SourceReport {
  name: string;
  kind: Source["kind"];
  /** ok: read now; kept: failed, its last good data used; empty: no data yet; skipped: chain not served. */
  status: "ok" | "kept" | "empty" | "skipped";
  size: number;
  dropped: number;
  error?: string;
}

export const sanctions: Job = {
  name: "sanctions",
  cron: JOB_SCHEDULE.sanctions,
  // Until the first snapshot, every minute: screening refuses transactions while there is none.
  catchUp: async (env) =>
    !(await dbOf(env.DB)
      .select({ v: sanctionsSnapshots.version })
      .from(sanctionsSnapshots)
      .limit(1)
      .get()
      .catch(() => ({ v: 0 }))),
  async run(env) {
    const db = dbOf(env.DB);
    const sources = await db.select().from(sanctionSources).where(eq(sanctionSources.enabled, true));
    const reports = await Promise.all(sources.map((s) => refresh(env, s)));
    const counts = {
      sources: sources.length,
      ok: 0,
      kept: 0,
      empty: 0,
      skipped: 0,
      size: 0,
      added: 0,
      removed: 0,
    };
    const problems: string[] = [];
    for (const r of reports) {
      counts[r.report.status]++;
      if (r.report.error) problems.push(`${r.report.name}: ${r.report.error}`);
    }
    const contributing = reports.filter((r) => r.addresses !== null);
    if (contributing.length === 0) {
      problems.push("no source has data yet: no snapshot published");
      return { counts, problems };
    }
    const addresses = union(contributing.map((r) => r.addresses as string[]));
    if (addresses.length === 0) {
      // Real lists are never empty: an empty union is a source misread, not "nobody is sanctioned".
      problems.push("the sources list no address together: not published, the previous version stays");
      return { counts, problems };
    }
    const hash = await listHash(addresses);
    const latest = await db
      .select()
      .from(sanctionsSnapshots)
      .orderBy(desc(sanctionsSnapshots.version))
      .limit(1)
      .get();
    let current = latest;
    if (latest?.hash !== hash) {
      const { added, removed } = diff(latest?.addresses ?? [], addresses);
      const row = {
        at: Date.now(),
        hash,
        size: addresses.length,
        addresses,
        added,
        removed,
        sources: reports.map((r) => r.report),
      };
      current = await db.insert(sanctionsSnapshots).values(row).returning().get();
      counts.added = added.length;
      counts.removed = removed.length;
    }
    const published = {
      version: current?.version as number,
      hash,
      at: new Date(current?.at as number).toISOString(),
      addresses,
    };
    await publish(env.CONFIG_KV, published);
    noteSanctions(published);
    counts.size = addresses.length;
    return { counts: { ...counts, version: published.version }, problems };
  },
};

/** Reads one source and records the outcome on its row; `addresses` is what it contributes. */
async function refresh(
  env: Env,
  source: Source,
): Promise<{ report: SourceReport; addresses: string[] | null }> {
  const db = dbOf(env.DB);
  const report = (status: SourceReport["status"], error?: string): SourceReport => ({
    name: source.name,
    kind: source.kind,
    status,
    size: source.addresses?.length ?? 0,
    dropped: source.dropped,
    ...(error ? { error } : {}),
  });
  // A source contributes once it has been read whole at least once (an oracle caught up).
  const kept = () => (source.readAt !== null ? source.addresses : null);
  const failed = async (error: string, progress: Partial<Source> = {}) => {
    await db
      .update(sanctionSources)
      .set({ ...progress, lastError: error })
      .where(eq(sanctionSources.id, source.id));
    Object.assign(source, progress);
    return { report: report(kept() ? "kept" : "empty", error), addresses: kept() };
  };
  const succeeded = async (read: Partial<Source>) => {
    const now = { ...read, readAt: Date.now(), lastError: null };
    await db.update(sanctionSources).set(now).where(eq(sanctionSources.id, source.id));
    Object.assign(source, now);
    return { report: report("ok"), addresses: source.addresses };
  };

  if (source.kind === "list") {
    if (!source.url) return failed("no url configured");
    try {
      return await succeeded(await readList(source.url));
    } catch (err) {
      return failed(message(err));
    }
  }
  if (!source.chain || !source.address) return failed("no chain or address configured");
  const chain = await resolveChain(env, source.chain, () => undefined);
  if (!chain?.enabled || chain.kind !== "evm" || chain.upstreams.length === 0) {
    // Read before, now unreachable (chain disabled, upstreams off): what it had still counts.
    if (kept())
      return { report: report("kept", `chain ${source.chain} is not served now`), addresses: kept() };
    // An oracle on a chain this deployment does not serve (the mainnet defaults on a local run).
    return { report: report("skipped"), addresses: null };
  }
  const call = chainCaller(chain, settingsOf(env).upstreamTimeoutMs, () => undefined);
  try {
    const progress = await readOracle(call, chain, {
      address: source.address,
      fromBlock: source.fromBlock,
      scannedTo: source.scannedTo,
      addresses: source.addresses,
    });
    const read = {
      addresses: progress.addresses,
      scannedTo: progress.scannedTo,
      fromBlock: progress.fromBlock,
    };
    return progress.error ? await failed(progress.error, read) : await succeeded(read);
  } catch (err) {
    return failed(message(err));
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0] as string;
