/**
 * eth_feeHistory: a block count outside 1..1024 (geth's own cap) or more than 100 reward percentiles
 * is refused before forwarding; nodes differ in how they treat huge counts, and one (anvil) stops on
 * a count that does not fit 64 bits, so a tenant could take a shared node down. Pure.
 */
import { InvalidParamsError } from "../errors/kinds";
import type { MethodHooks } from "./hooks";

export const MAX_FEE_HISTORY_BLOCKS = 1024;
const MAX_PERCENTILES = 100;

function blockCountOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === "string" && /^0x[0-9a-f]{1,16}$/i.test(value)) return Number(value);
  return undefined;
}

export const eth_feeHistory: MethodHooks = {
  before(call) {
    const params = Array.isArray(call.params) ? call.params : [];
    const count = blockCountOf(params[0]);
    if (count === undefined || count < 1 || count > MAX_FEE_HISTORY_BLOCKS) {
      return {
        error: new InvalidParamsError(
          `eth_feeHistory: blockCount must be a number of blocks from 1 to ${MAX_FEE_HISTORY_BLOCKS} (hex or integer)`,
        ),
      };
    }
    const percentiles = params[2];
    if (Array.isArray(percentiles) && percentiles.length > MAX_PERCENTILES) {
      return {
        error: new InvalidParamsError(`eth_feeHistory: at most ${MAX_PERCENTILES} reward percentiles`),
      };
    }
    return { calls: [call] };
  },
};
