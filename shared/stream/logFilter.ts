/**
 * @module
 * The filter of an `eth_subscribe("logs", filter)` subscription, pure: parsed and checked once when
 * the client subscribes, then matched against every log of every new block (geth semantics).
 */
import { InvalidParamsError } from "../errors/kinds";

/**
 * A parsed logs filter, shaped for matching: every hex string is lower case, and `undefined` or
 * `null` is a wildcard. `addresses`: the log's address must be one of them. `topics[i]`: the log's
 * topic at position i must be one of them. As in geth, a log with fewer topics than `topics` has
 * positions never matches, even when the positions it lacks are wildcards.
 */
export interface LogFilter {
  readonly addresses: ReadonlySet<string> | undefined;
  readonly topics: readonly (ReadonlySet<string> | null)[];
}

/** Most addresses one filter may name. */
export const MAX_FILTER_ADDRESSES = 1000;
/** Most topics one filter may name, over all its positions. */
export const MAX_FILTER_TOPICS = 1000;
/** Most topic positions a filter may have (a log has at most 4 topics). */
export const MAX_TOPIC_POSITIONS = 4;

const KNOWN_KEYS = new Set(["address", "topics"]);
const RANGE_KEYS = new Set(["fromBlock", "toBlock", "blockHash"]);
const ADDRESS = /^0x[0-9a-f]{40}$/i;
const TOPIC = /^0x[0-9a-f]{64}$/i;

/**
 * The subscription's filter (the second param of `eth_subscribe("logs", …)`), checked and
 * normalised. `undefined`, `null` and `{}` match every log. Throws `InvalidParamsError` naming the
 * offending member: a block range (a subscription follows the head; past logs are eth_getLogs'),
 * an unknown key, a malformed address or topic, more than 4 topic positions, or over the limits.
 */
export function parseLogFilter(raw: unknown): LogFilter {
  if (raw === undefined || raw === null) return { addresses: undefined, topics: [] };
  if (typeof raw !== "object" || Array.isArray(raw)) refuse("is not an object");
  const f = raw as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (RANGE_KEYS.has(key)) {
      refuse(
        `${key} is not supported: a subscription follows the chain head; use eth_getLogs for past blocks`,
      );
    }
    if (!KNOWN_KEYS.has(key)) {
      refuse(`unknown key ${JSON.stringify(key)}; only address and topics are allowed`);
    }
  }
  return { addresses: parseAddresses(f.address), topics: parseTopics(f.topics) };
}

function parseAddresses(raw: unknown): ReadonlySet<string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return new Set([hex(raw, ADDRESS, "address", "20-byte")]);
  if (!Array.isArray(raw)) refuse("address is not a 20-byte hex string or an array of them");
  if (raw.length === 0) refuse("address is an empty array; omit it to match every address");
  if (raw.length > MAX_FILTER_ADDRESSES) {
    refuse(`address has ${raw.length} entries; the limit is ${MAX_FILTER_ADDRESSES}`);
  }
  const out = new Set<string>();
  for (let i = 0; i < raw.length; i++) out.add(hex(raw[i], ADDRESS, `address[${i}]`, "20-byte"));
  return out;
}

function parseTopics(raw: unknown): (ReadonlySet<string> | null)[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) refuse("topics is not an array");
  if (raw.length > MAX_TOPIC_POSITIONS) {
    refuse(`topics has ${raw.length} positions; the limit is ${MAX_TOPIC_POSITIONS}`);
  }
  let count = 0;
  const out: (ReadonlySet<string> | null)[] = [];
  for (let i = 0; i < raw.length; i++) {
    const position: unknown = raw[i];
    if (position === null) {
      out.push(null);
    } else if (typeof position === "string") {
      count++;
      out.push(new Set([hex(position, TOPIC, `topics[${i}]`, "32-byte")]));
    } else if (Array.isArray(position)) {
      count += position.length;
      if (count > MAX_FILTER_TOPICS)
        refuse(`topics has over ${MAX_FILTER_TOPICS} topics in total; the limit is ${MAX_FILTER_TOPICS}`);
      // An empty alternative list, or one with a null in it, matches anything at this position.
      let wildcard = position.length === 0;
      const set = new Set<string>();
      for (let j = 0; j < position.length; j++) {
        const topic: unknown = position[j];
        if (topic === null) wildcard = true;
        else set.add(hex(topic, TOPIC, `topics[${i}][${j}]`, "32-byte"));
      }
      out.push(wildcard ? null : set);
    } else {
      refuse(`topics[${i}] is not null, a 32-byte hex string or an array of them`);
    }
  }
  return out;
}

function hex(value: unknown, shape: RegExp, where: string, size: string): string {
  if (typeof value !== "string" || !shape.test(value)) refuse(`${where} is not a ${size} hex string`);
  return value.toLowerCase();
}

function refuse(what: string): never {
  throw new InvalidParamsError(`logs filter: ${what}`);
}

/**
 * Whether `log` passes `filter`. Addresses and topics are compared in lower case; allocation-free
 * unless the log's hex has upper case in it, which nodes do not send.
 */
export function matchesLog(filter: LogFilter, log: { address: string; topics: readonly string[] }): boolean {
  const { addresses, topics } = filter;
  if (addresses !== undefined && !addresses.has(log.address.toLowerCase())) return false;
  if (topics.length > log.topics.length) return false;
  for (let i = 0; i < topics.length; i++) {
    const wanted = topics[i];
    if (wanted && !wanted.has((log.topics[i] as string).toLowerCase())) return false;
  }
  return true;
}
