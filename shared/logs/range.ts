/**
 * @module
 * eth_getLogs range control, pure: block tags resolved to numbers first (so `earliest`..`latest`
 * is seen as the huge range it is), ranges over the plan's limit refused, ranges over what one
 * upstream call may span split into consecutive chunks, and chunk answers merged in order.
 */
import type { GatewayError } from "../errors/base";
import { InvalidParamsError, LogsLimitError } from "../errors/kinds";

export interface ChainBlocks {
  /** Highest head among the chain's checked upstreams. */
  head: number | undefined;
  /** Highest finalized block among them (stands in for `safe` too, which is never below it). */
  finalized: number | undefined;
}

export interface LogsLimits {
  /** Widest range one upstream call may span (the chain's setting). */
  chunkBlocks: number;
  /** Widest range one client call may ask for (the plan's setting). */
  maxBlocks: number;
}

export type LogsPlan =
  | { kind: "as_is" }
  | { kind: "refuse"; error: GatewayError }
  | { kind: "split"; filters: Record<string, unknown>[] };

export function planLogs(params: unknown, blocks: ChainBlocks, limits: LogsLimits): LogsPlan {
  const filter = Array.isArray(params) ? params[0] : undefined;
  if (!filter || typeof filter !== "object" || Array.isArray(filter)) return { kind: "as_is" };
  const f = filter as Record<string, unknown>;
  if (f.blockHash !== undefined) return { kind: "as_is" };
  const unreadable = [f.fromBlock, f.toBlock].find((ref) => ref !== undefined && !isBlockRef(ref));
  if (unreadable !== undefined) {
    const shown = JSON.stringify(unreadable)?.slice(0, 80) ?? String(unreadable);
    return {
      kind: "refuse",
      error: new InvalidParamsError(
        `invalid block ${shown}: fromBlock and toBlock are a hex block number (0x...) or earliest, latest, pending, safe, finalized`,
      ),
    };
  }
  const from = resolveBlock(f.fromBlock ?? "latest", blocks);
  const to = resolveBlock(f.toBlock ?? "latest", blocks);
  // Unknown heads (no upstream checked yet) or a reversed range: the node is the judge.
  if (from === undefined || to === undefined || from > to) return { kind: "as_is" };
  const span = to - from + 1;
  if (span > limits.maxBlocks) {
    return {
      kind: "refuse",
      error: new LogsLimitError(
        `eth_getLogs block range too large: ${span} blocks (${hex(from)} to ${hex(to)}) is over this plan's limit of ${limits.maxBlocks}; narrow fromBlock and toBlock`,
        { data: { limit: "block_range", max: limits.maxBlocks } },
      ),
    };
  }
  if (span <= limits.chunkBlocks) return { kind: "as_is" };
  const filters: Record<string, unknown>[] = [];
  for (let start = from; start <= to; start += limits.chunkBlocks) {
    const end = Math.min(to, start + limits.chunkBlocks - 1);
    filters.push({ ...f, fromBlock: hex(start), toBlock: hex(end) });
  }
  return { kind: "split", filters };
}

const TAGS = new Set(["earliest", "latest", "pending", "safe", "finalized"]);
const NUMBER = /^0x[0-9a-f]{1,16}$/i;

/** Whether a block reference reads: a tag, or a hex block number. */
function isBlockRef(ref: unknown): boolean {
  return typeof ref === "string" && (TAGS.has(ref) || NUMBER.test(ref));
}

function resolveBlock(ref: unknown, { head, finalized }: ChainBlocks): number | undefined {
  if (ref === "earliest") return 0;
  if (ref === "latest" || ref === "pending") return head;
  if (ref === "safe" || ref === "finalized") return finalized;
  if (typeof ref === "string" && NUMBER.test(ref)) return Number(ref);
  return undefined;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** The logs of consecutive chunks as one JSON array, in order; undefined if one is not an array. */
export function mergeLogs(chunks: readonly string[]): { resultRaw: string; count: number } | undefined {
  const parts: string[] = [];
  let count = 0;
  for (const raw of chunks) {
    let logs: unknown;
    try {
      logs = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (!Array.isArray(logs)) return undefined;
    count += logs.length;
    if (logs.length > 0) parts.push(raw.trim().slice(1, -1));
  }
  return { resultRaw: `[${parts.join(",")}]`, count };
}

/** The error for an answer with more logs than the chain allows in one call. */
export function tooManyLogs(count: number, maxResults: number): GatewayError {
  return new LogsLimitError(
    `eth_getLogs matched ${count} logs, over the limit of ${maxResults} per call; narrow the block range or the filter`,
    { data: { limit: "results", max: maxResults } },
  );
}
