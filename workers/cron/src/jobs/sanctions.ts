/**
 * @module
 * Hourly: reads every enabled sanctions source (lists at URLs, the Chainalysis oracle's events),
 * keeps each source's last good addresses, and publishes their union. A new version is made only
 * when the set changes: its SHA-256, size and diff against the previous version go to D1, the set to
 * KV for the gateway; a set removing more than SANCTIONS_MAX_SHRINK of the addresses is held for an
 * admin instead (sanctions/recordVersion.ts). A source that fails contributes its last good data and
 * is reported; with no source holding any data, nothing is published (never "nobody is sanctioned").
 */
import { eq } from "drizzle-orm";
import { dbOf } from "../../../../db/client";
import { sanctionSources, sanctionsSnapshots } from "../../../../db/schema";
import { JOB_SCHEDULE } from "../../../../shared/jobs/schedule";
import { union } from "../../../../shared/sanctions/list";
import { publishSanctions } from "../../../../shared/screening/sanctionsSet";
import type { Job } from "../runs";
import { recordVersion } from "../sanctions/recordVersion";
import { refreshSource } from "../sanctions/refreshSource";

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
    const reports = await Promise.all(sources.map((s) => refreshSource(env, s)));
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
    const version = await recordVersion(env, addresses, reports);
    await publishSanctions(env.CONFIG_KV, version.published);
    if (version.problem) problems.push(version.problem);
    const { pending } = version;
    Object.assign(counts, {
      size: version.published.addresses.length,
      added: version.added,
      removed: version.removed,
      pending: pending ? 1 : 0,
      ...(pending
        ? { pendingSize: pending.size, pendingAdded: pending.added, pendingRemoved: pending.removed }
        : {}),
    });
    return { counts: { ...counts, version: version.published.version }, problems };
  },
};
