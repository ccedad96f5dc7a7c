/**
 * @module
 * The Chainalysis sanctions oracle's set, rebuilt from its `SanctionedAddressesAdded` and
 * `SanctionedAddressesRemoved` events up to the chain's finalized block (so a reorg cannot undo what
 * was read). Incremental: each run goes on from the last block read, at most MAX_CHUNKS eth_getLogs
 * calls of the chain's logsBlockRange. Progress made before a failure is kept.
 */
import { type Address, decodeEventLog, type Hex, hexToNumber, parseAbi, toEventSelector, toHex } from "viem";
import type { ChainConfig } from "../../../../shared/config/chains";
import type { ChainCall } from "../../../../shared/routing/chainCaller";
import { applyOracleEvents, type OracleEvent } from "../../../../shared/sanctions/list";

export const ORACLE_EVENTS = parseAbi([
  "event SanctionedAddressesAdded(address[] addrs)",
  "event SanctionedAddressesRemoved(address[] addrs)",
]);
const TOPICS = ORACLE_EVENTS.map((e) => toEventSelector(e));
/** eth_getLogs calls per source per run: 100 x 10,000 blocks catches up a million blocks an hour. */
const MAX_CHUNKS = 100;

export interface OracleProgress {
  /** The set as of `scannedTo`. */
  addresses: string[];
  scannedTo: number;
  fromBlock: number;
  /** The finalized block the run read up to, or failed before. */
  target: number;
  /** Why the run stopped before `target`. */
  error?: string;
}

export interface OracleState {
  address: string;
  fromBlock: number | null;
  scannedTo: number | null;
  addresses: string[] | null;
}

export async function readOracle(
  call: ChainCall,
  chain: ChainConfig,
  state: OracleState,
): Promise<OracleProgress> {
  const address = state.address as Address;
  const target = await finalizedBlock(call, chain);
  const fromBlock = state.fromBlock ?? (await firstBlockWithCode(call, address));
  let scannedTo = state.scannedTo ?? fromBlock - 1;
  let addresses = state.addresses ?? [];
  for (let chunks = 0; scannedTo < target; chunks++) {
    if (chunks === MAX_CHUNKS) {
      return {
        addresses,
        scannedTo,
        fromBlock,
        target,
        error: `catching up: read to block ${scannedTo} of ${target}`,
      };
    }
    const to = Math.min(scannedTo + chain.logsBlockRange, target);
    let events: OracleEvent[];
    try {
      const logs = await call<{ data: Hex; topics: [Hex, ...Hex[]] }[]>("eth_getLogs", [
        { address, fromBlock: toHex(scannedTo + 1), toBlock: toHex(to), topics: [TOPICS] },
      ]);
      events = logs.map(eventOf);
    } catch (err) {
      return {
        addresses,
        scannedTo,
        fromBlock,
        target,
        error: `blocks ${scannedTo + 1}-${to}: ${(err as Error).message}`,
      };
    }
    addresses = applyOracleEvents(addresses, events);
    scannedTo = to;
  }
  return { addresses, scannedTo, fromBlock, target };
}

function eventOf(log: { data: Hex; topics: [Hex, ...Hex[]] }): OracleEvent {
  const event = decodeEventLog({ abi: ORACLE_EVENTS, data: log.data, topics: log.topics });
  return {
    kind: event.eventName === "SanctionedAddressesAdded" ? "added" : "removed",
    addresses: event.args.addrs,
  };
}

/** The finalized block, or the head less the chain's finality depth where the tag is not served. */
async function finalizedBlock(call: ChainCall, chain: ChainConfig): Promise<number> {
  const block = await call<{ number: Hex } | null>("eth_getBlockByNumber", ["finalized", false]).catch(
    () => null,
  );
  if (block) return hexToNumber(block.number);
  const head = hexToNumber(await call<Hex>("eth_blockNumber", []));
  return Math.max(0, head - chain.finalityDepth);
}

/** The contract's first block, by bisection on eth_getCode (needs state that old: an archive node). */
async function firstBlockWithCode(call: ChainCall, address: Address): Promise<number> {
  const hasCode = async (block: number) => (await call<Hex>("eth_getCode", [address, toHex(block)])) !== "0x";
  let hi = hexToNumber(await call<Hex>("eth_blockNumber", []));
  if (!(await hasCode(hi))) throw new Error(`no contract at ${address} (check the address and chain)`);
  let lo = 0;
  try {
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await hasCode(mid)) hi = mid;
      else lo = mid + 1;
    }
  } catch (err) {
    throw new Error(
      `finding the oracle's first block needs an archive node (or set fromBlock): ${(err as Error).message}`,
    );
  }
  return lo;
}
