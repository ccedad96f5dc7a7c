/**
 * What the admin API answers about sanctions: the sources (their addresses counted, not listed), the
 * published snapshots, the set held for approval, and the decisions on it.
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { sanctionSources, sanctionsPending, sanctionsSnapshots } from "../../../../../db/schema";

/** An instant as `toISOString()` writes it. */
export const IsoInstant = z.iso.datetime();

/** A source as the sanctions job last read it, in a snapshot or a held set (workers/cron/src/sanctions). */
export const SourceReport = z.object({
  name: z.string(),
  kind: z.enum(["list", "oracle"]),
  /** ok: read now; kept: failed, its last good data used; empty: no data yet; skipped: chain not served. */
  status: z.enum(["ok", "kept", "empty", "skipped"]),
  size: z.number().int(),
  dropped: z.number().int(),
  error: z.string().optional(),
});

/** A source as shown: its addresses counted (`size`), not listed. */
export const SanctionSourceView = createSelectSchema(sanctionSources)
  .omit({ addresses: true })
  .extend({ size: z.number().int().describe("How many addresses its last good read holds") });

export const SanctionSourceList = z.object({ sources: z.array(SanctionSourceView) });

/** A held set: counted, not listed, its times in ISO 8601. */
export const PendingView = createSelectSchema(sanctionsPending, { sources: z.array(SourceReport) })
  .omit({ addresses: true })
  .extend({ at: IsoInstant, decidedAt: IsoInstant.nullable() });

/** A published version, without its addresses. */
export const CurrentVersion = z.object({
  version: z.number().int(),
  at: IsoInstant,
  hash: z.string(),
  size: z.number().int(),
});

/** A snapshot made in a period: what it added and removed, and its sources. */
export const SnapshotView = createSelectSchema(sanctionsSnapshots, {
  added: z.array(z.string()),
  removed: z.array(z.string()),
  sources: z.array(SourceReport),
})
  .omit({ addresses: true })
  .extend({ at: IsoInstant });

export const PendingAnswer = z.object({ pending: PendingView.nullable() });

export const ApprovedAnswer = z.object({
  approved: z.string().describe("The held set's id"),
  current: CurrentVersion,
  added: z.number().int(),
  removed: z.number().int(),
});

export const RejectedAnswer = z.object({
  rejected: z.string().describe("The held set's id"),
  current: CurrentVersion.nullable(),
});

/** A source as answered: the Chainalysis oracle on Ethereum (the drift test holds it to its schema). */
export const SANCTION_SOURCE_EXAMPLE = {
  id: "src_Yb2mK7rVq4Xn9Ld1",
  name: "Chainalysis oracle",
  kind: "oracle",
  url: null,
  chain: "ethereum",
  address: "0x40C57923924B5c5c5455c48D93317139ADDaC8fb",
  fromBlock: 14_356_508,
  enabled: true,
  readAt: 1_764_720_000_000,
  dropped: 0,
  scannedTo: 23_900_000,
  lastError: null,
  sha256: null,
  createdAt: 1_764_633_600_000,
  size: 312,
};

export const SANCTION_SOURCE_LIST_EXAMPLE = { sources: [SANCTION_SOURCE_EXAMPLE] };

export const CREATE_SANCTION_SOURCE_EXAMPLE = {
  kind: "oracle",
  name: "Chainalysis oracle",
  chain: "ethereum",
  address: "0x40C57923924B5c5c5455c48D93317139ADDaC8fb",
  fromBlock: 14_356_508,
};

export const UPDATE_SANCTION_SOURCE_EXAMPLE = { enabled: false };
