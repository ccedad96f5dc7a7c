/**
 * @module
 * One sanctions source read for the sanctions job: a list at a URL, or the Chainalysis oracle's
 * events on a chain. The outcome is recorded on the source's row; a source that fails contributes
 * its last good addresses, once it has been read whole at least once.
 */
import { eq } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { sanctionSources } from "../../../../db/schema";
import { resolveChain } from "../../../../shared/config/chains";
import { type Env, settingsOf } from "../../../../shared/config/env";
import { chainCaller } from "../../../../shared/routing/chainCaller";
import { readList } from "./readList";
import { readOracle } from "./readOracle";

export type Source = typeof sanctionSources.$inferSelect;

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

export interface Refreshed {
  report: SourceReport;
  /** What the source contributes to the set; null when it has nothing yet. */
  addresses: string[] | null;
}

/** Reads one source and records the outcome on its row; `addresses` is what it contributes. */
export async function refreshSource(env: Env, source: Source): Promise<Refreshed> {
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
      const options = { maxBytes: settingsOf(env).sanctionsMaxListBytes, sha256: source.sha256 };
      return await succeeded(await readList(source.url, options));
    } catch (err) {
      return failed(message(err));
    }
  }
  if (!source.chain || !source.address) return failed("no chain or address configured");
  return refreshOracle(env, source, { kept, failed, succeeded, report });
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0] as string;

interface Outcomes {
  kept: () => string[] | null;
  failed: (error: string, progress?: Partial<Source>) => Promise<Refreshed>;
  succeeded: (read: Partial<Source>) => Promise<Refreshed>;
  report: (status: SourceReport["status"], error?: string) => SourceReport;
}

/** The oracle's events since the last run, read through the chain's routing. */
async function refreshOracle(env: Env, source: Source, { kept, failed, succeeded, report }: Outcomes) {
  const chain = await resolveChain(env, source.chain as string, () => undefined);
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
      address: source.address as string,
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
