/** What the compliance report answers: a period's sanctions versions, screening decisions and admin actions. */
import { z } from "zod";
import { AuditCheck } from "./audit";
import { CurrentVersion, IsoInstant, PendingView, SnapshotView } from "./sanctions";

/** A screening decision, as shared/screening/screen.ts records it, with its time. */
const ScreenedTransaction = z.object({
  at: IsoInstant,
  tenantId: z.string(),
  keyId: z.string(),
  chain: z.string(),
  txHash: z.string(),
  address: z.string(),
  role: z.enum(["sender", "recipient", "authorization delegate", "authorization signer"]),
  snapshotVersion: z.number().int(),
});

const AdminAction = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  at: IsoInstant,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
});

export const ComplianceReport = z.object({
  period: z.object({ from: IsoInstant, to: IsoInstant }),
  sanctions: z.object({
    current: CurrentVersion.nullable(),
    pending: PendingView.nullable().describe("A set held for approval; `current` stays in force"),
    snapshots: z.array(SnapshotView),
  }),
  refusedTransactions: z.array(ScreenedTransaction),
  flaggedTransactions: z.array(ScreenedTransaction),
  adminActions: z.array(AdminAction),
  auditChain: AuditCheck,
});
