/**
 * @module
 * The latest price per pair in KV, written by the price job and read by `GET /v1/prices`. An entry
 * is stale when the job marked it so (its last round was rejected or unreadable) or when its round
 * is older than the feed's heartbeat by the time it is read.
 */

export interface PriceEntry {
  pair: string;
  /** The answer as a decimal string ("3012.45"). */
  price: string;
  /** The raw answer and its decimals, as the feed gives them. */
  answer: string;
  decimals: number;
  roundId: string;
  /** When the feed updated this round (ISO 8601). */
  updatedAt: string;
  heartbeatSeconds: number;
  chain: string;
  feed: string;
  /** When the job last read the feed. */
  checkedAt: string;
  stale: boolean;
  staleReason?: string;
}

const LIST_KEY = "price:v1:pairs";
const entryKey = (pair: string) => `price:v1:${pair}`;

export function readPrice(kv: KVNamespace, pair: string): Promise<PriceEntry | null> {
  return kv.get<PriceEntry>(entryKey(pair), "json");
}

export async function writePrice(kv: KVNamespace, entry: PriceEntry): Promise<void> {
  await kv.put(entryKey(entry.pair), JSON.stringify(entry));
  const pairs = (await kv.get<string[]>(LIST_KEY, "json")) ?? [];
  if (!pairs.includes(entry.pair)) await kv.put(LIST_KEY, JSON.stringify([...pairs, entry.pair].sort()));
}

export async function readPrices(kv: KVNamespace): Promise<PriceEntry[]> {
  const pairs = (await kv.get<string[]>(LIST_KEY, "json")) ?? [];
  const entries = await Promise.all(pairs.map((p) => readPrice(kv, p)));
  return entries.filter((e): e is PriceEntry => e !== null);
}

/** The entry as served: stale also when its round outlived the heartbeat since the job wrote it. */
export function asServed(entry: PriceEntry, now: number): PriceEntry {
  const age = (now - Date.parse(entry.updatedAt)) / 1000;
  if (entry.stale || age <= entry.heartbeatSeconds) return entry;
  return {
    ...entry,
    stale: true,
    staleReason: `the last round is ${Math.floor(age)} s old, over the ${entry.heartbeatSeconds} s heartbeat`,
  };
}
