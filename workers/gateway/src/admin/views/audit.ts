/**
 * What the admin API answers about the audit log: its newest rows, the verification of its chains
 * (shared/audit/check.ts, shared/audit/verify.ts), and a re-seal's outcome.
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { auditLog } from "../../../../../db/schema";

const chainName = z.enum(["admin", "screening"]);

/** A row as listed: without its before/after values and links. */
export const AuditRowView = createSelectSchema(auditLog).pick({
  id: true,
  chain: true,
  seq: true,
  at: true,
  actor: true,
  action: true,
  target: true,
});

export const AuditRowList = z.object({ rows: z.array(AuditRowView) });

/** One chain verified against its anchor (`ChainCheck`). */
export const ChainCheck = z.object({
  chain: chainName,
  verified: z.boolean(),
  rows: z.number().int().describe("Rows verified written at or after the time asked for"),
  checkpointSeq: z.number().int().describe("The anchor's checkpoint the walk started after (0: the start)"),
  anchoredSeq: z.number().int().describe("The newest row the anchor outside D1 recorded"),
  broken: z
    .object({ seq: z.number().int(), id: z.number().int().nullable(), reason: z.string() })
    .optional()
    .describe("The first row that is wrong (id null when it is missing), and what is wrong with it"),
});

/** Both chains verified (`AuditCheck`), and the rows that belong to no chain. */
export const AuditCheck = z.object({
  verified: z.boolean(),
  chains: z.array(ChainCheck),
  strays: z
    .object({ rows: z.number().int(), reason: z.string() })
    .optional()
    .describe("Rows in no chain (another chain name, a seq below 1): inserted in D1"),
});

/** Every chain re-linked with the newest AUDIT_KEY key, and how many rows each old key had. */
export const ResealAnswer = z.object({
  keyId: z.string(),
  chains: z.array(
    z.object({ chain: chainName, keyId: z.string(), fromKeys: z.record(z.string(), z.number().int()) }),
  ),
});
