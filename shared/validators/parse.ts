/**
 * @module
 * Reads the result of the P-Chain's `platform.getCurrentValidators` (AvalancheGo) into what the
 * validators job keeps per validator. Amounts stay nAVAX decimal strings; an entry that does not read
 * is dropped and counted, never fatal. Pure.
 */
import { z } from "zod";

export interface Validator {
  nodeID: string;
  /** The validator's own stake, nAVAX (`weight`, or `stakeAmount` from nodes before it). */
  stake: string;
  /** Stake delegated to it, nAVAX (`delegatorWeight`, or the sum of its listed delegators). */
  delegated: string;
  delegatorCount: number;
  /** Percent of its delegators' rewards it keeps; null when the node does not say. */
  delegationFee: number | null;
  /** Percent of time the answering node saw it online; null when the node does not say. */
  uptime: number | null;
  /** Whether the answering node is connected to it; null when the node does not say. */
  connected: boolean | null;
  /** When its validation period ends (ISO 8601). */
  endTime: string;
}

export type ParseValidatorsReturnType =
  | { ok: true; validators: Validator[]; dropped: number; firstProblem?: string }
  | { ok: false; reason: string };

/** A uint64 as AvalancheGo writes it: a decimal string. */
const uint64 = z.string().regex(/^\d{1,20}$/, "not a decimal integer string");
/** A float32 as AvalancheGo writes it: a decimal string ("99.8700"), here a percentage. */
const percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,8})?$/, "not a percentage string")
  .transform(Number)
  .refine((n) => n <= 100, "over 100 percent");
/** Unix seconds, as far as a Date reaches. */
const unixSeconds = uint64
  .refine((s) => Number(s) <= 8_640_000_000_000, "out of range")
  .transform((s) => new Date(Number(s) * 1000).toISOString());

const Delegator = z
  .object({ weight: uint64.optional(), stakeAmount: uint64.optional() })
  .refine((d) => (d.weight ?? d.stakeAmount) !== undefined, "a delegator without weight or stakeAmount");

const Entry = z
  .object({
    nodeID: z.string().regex(/^NodeID-[1-9A-HJ-NP-Za-km-z]{20,64}$/, "not a NodeID"),
    endTime: unixSeconds,
    weight: uint64.optional(),
    stakeAmount: uint64.optional(),
    delegationFee: percent.optional(),
    uptime: percent.optional(),
    connected: z.boolean().optional(),
    delegatorCount: uint64.optional(),
    delegatorWeight: uint64.optional(),
    delegators: z.array(Delegator).nullish(),
  })
  .refine((v) => (v.weight ?? v.stakeAmount) !== undefined, "neither weight nor stakeAmount");

const Result = z.object({ validators: z.array(z.unknown()) });

export function parseValidators(result: unknown): ParseValidatorsReturnType {
  const parsed = Result.safeParse(result);
  if (!parsed.success) return { ok: false, reason: "the answer has no validators list" };
  const validators: Validator[] = [];
  let dropped = 0;
  let firstProblem: string | undefined;
  for (const [i, raw] of parsed.data.validators.entries()) {
    const entry = Entry.safeParse(raw);
    if (!entry.success) {
      dropped++;
      const issue = entry.error.issues[0];
      firstProblem ??= `validators[${i}]${issue?.path.map((p) => `.${String(p)}`).join("") ?? ""}: ${issue?.message}`;
      continue;
    }
    validators.push(validatorOf(entry.data));
  }
  return { ok: true, validators, dropped, ...(firstProblem ? { firstProblem } : {}) };
}

function validatorOf(e: z.infer<typeof Entry>): Validator {
  const listed = e.delegators ?? [];
  const listedStake = listed.reduce((sum, d) => sum + BigInt((d.weight ?? d.stakeAmount) as string), 0n);
  return {
    nodeID: e.nodeID,
    stake: BigInt((e.weight ?? e.stakeAmount) as string).toString(),
    delegated:
      e.delegatorWeight === undefined ? listedStake.toString() : BigInt(e.delegatorWeight).toString(),
    delegatorCount: e.delegatorCount === undefined ? listed.length : Number(e.delegatorCount),
    delegationFee: e.delegationFee ?? null,
    uptime: e.uptime ?? null,
    connected: e.connected ?? null,
    endTime: e.endTime,
  };
}
