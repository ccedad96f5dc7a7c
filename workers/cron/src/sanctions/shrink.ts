/**
 * @module
 * The shrink rule: a new sanctions set that removes more than the allowed share of the current
 * version's addresses waits for an admin instead of being published. Pure.
 */

export interface ShrinkCheck {
  /** True: hold the new set for approval; the current version stays in force. */
  held: boolean;
  /** The share of the current version's addresses the new set removes (0-1). */
  share: number;
  /** Why it is held, for the job run and the operator. */
  reason?: string;
}

/**
 * Whether a set that removes `removed` of the current version's `currentSize` addresses must be held.
 * With no current version (size 0) nothing is held; a share equal to `maxShrink` passes.
 */
export function checkShrink(currentSize: number, removed: number, maxShrink: number): ShrinkCheck {
  const share = currentSize > 0 ? removed / currentSize : 0;
  if (share <= maxShrink) return { held: false, share };
  return {
    held: true,
    share,
    reason: `removes ${percent(share)} of addresses, over the ${percent(maxShrink)} limit`,
  };
}

/** A share as a percentage with at most two decimals: 0.25 -> "25%", 1/3 -> "33.33%". */
export function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}
