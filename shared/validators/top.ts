/**
 * @module
 * The first N validators by own stake or by uptime. Ties go to the larger stake, then the node id, so
 * the order is the same on every read; a validator whose uptime is unknown comes after all others.
 * Pure.
 */
import type { Validator } from "./parse";

export const TOP_BY = ["stake", "uptime"] as const;
export type TopBy = (typeof TOP_BY)[number];

export function topValidators(validators: readonly Validator[], by: TopBy, limit: number): Validator[] {
  const keyed = validators.map((v) => ({ v, stake: BigInt(v.stake), uptime: v.uptime ?? -1 }));
  keyed.sort((a, b) => {
    if (by === "uptime" && a.uptime !== b.uptime) return b.uptime - a.uptime;
    if (a.stake !== b.stake) return a.stake > b.stake ? -1 : 1;
    return a.v.nodeID < b.v.nodeID ? -1 : a.v.nodeID > b.v.nodeID ? 1 : 0;
  });
  return keyed.slice(0, Math.max(0, limit)).map((k) => k.v);
}
