/**
 * @module
 * Where a client WebSocket goes: a fan-out shard of its chain in its region. The gateway picks the
 * region (a Durable Object location hint) from the upgrade's `request.cf`, or STREAM_REGION when set,
 * and hands it with the shard cap to the stream entrypoint in headers that it always overwrites, so
 * a client cannot choose its own. Shards and each region's directory are created with that hint.
 */
import type { Env } from "../config/env";
import type { FanoutShardApi, ShardDirectoryApi } from "./protocol";

export type StreamRegion = DurableObjectLocationHint;

/** Every location hint a region can be: the admin view asks each of them for its shards. */
export const REGIONS: readonly StreamRegion[] = [
  "wnam",
  "enam",
  "sam",
  "weur",
  "eeur",
  "apac",
  "apac-ne",
  "apac-se",
  "oc",
  "afr",
  "me",
];

/** Where a request whose `cf` says nothing of its place goes. */
export const DEFAULT_REGION: StreamRegion = "enam";

/** Most sockets a shard holds unless STREAM_SHARD_SOCKETS says otherwise. */
export const DEFAULT_SHARD_SOCKETS = 1_000;

/** Countries Cloudflare places in Asia whose nearest Durable Object region is the Middle East. */
const MIDDLE_EAST = new Set([
  "AE",
  "BH",
  "IL",
  "IQ",
  "IR",
  "JO",
  "KW",
  "LB",
  "OM",
  "PS",
  "QA",
  "SA",
  "SY",
  "YE",
]);

/** West of this longitude, North America is "wnam" (the Rockies and the west coast). */
const WNAM_WEST_OF = -100;

export interface Placement {
  region: StreamRegion;
  /** Most sockets per shard. */
  cap: number;
}

const REGION_HEADER = "x-stream-region";
const CAP_HEADER = "x-stream-cap";

function isRegion(text: string | null | undefined): text is StreamRegion {
  return REGIONS.includes(text as StreamRegion);
}

/**
 * The region of a client from its `cf`: North America "wnam" west of 100 W and "enam" east of it,
 * South America "sam", Europe "weur", Asia "apac" (the Middle East's countries "me"), Oceania and
 * Antarctica "oc", Africa "afr". Undefined when `cf` has no continent.
 */
export function regionOfCf(cf: unknown): StreamRegion | undefined {
  const { continent, country, longitude } = (cf ?? {}) as Partial<Record<string, unknown>>;
  if (typeof continent !== "string") return undefined;
  if (MIDDLE_EAST.has(String(country))) return "me";
  switch (continent) {
    case "NA":
      return Number(longitude) < WNAM_WEST_OF ? "wnam" : "enam";
    case "SA":
      return "sam";
    case "EU":
      return "weur";
    case "AS":
      return "apac";
    case "OC":
    case "AN":
      return "oc";
    case "AF":
      return "afr";
    default:
      return undefined;
  }
}

/** The placement of an upgrade, from the gateway's settings and the client's `cf`. */
export function placementOf(
  env: Pick<Env, "STREAM_REGION" | "STREAM_SHARD_SOCKETS">,
  request: Request,
): Placement {
  const fixed = env.STREAM_REGION;
  const region = isRegion(fixed) ? fixed : (regionOfCf(request.cf) ?? DEFAULT_REGION);
  const cap = Math.floor(Number(env.STREAM_SHARD_SOCKETS ?? DEFAULT_SHARD_SOCKETS));
  return { region, cap: cap >= 1 ? cap : DEFAULT_SHARD_SOCKETS };
}

/** `request` carrying `placement`, whatever headers of those names the client sent. */
export function withPlacement(request: Request, placement: Placement): Request {
  const headers = new Headers(request.headers);
  headers.set(REGION_HEADER, placement.region);
  headers.set(CAP_HEADER, String(placement.cap));
  return new Request(request.url, { headers });
}

/** The placement the gateway set on an upgrade. */
export function placementFrom(request: Request): Placement {
  const region = request.headers.get(REGION_HEADER);
  const cap = Math.floor(Number(request.headers.get(CAP_HEADER)));
  return { region: isRegion(region) ? region : DEFAULT_REGION, cap: cap >= 1 ? cap : DEFAULT_SHARD_SOCKETS };
}

/** A shard's name: its chain, region and place in the region (0 is filled first). */
export function shardName(chain: string, region: StreamRegion, index: number): string {
  return `${chain}/${region}/${index}`;
}

/** The parts of a shard's name; undefined for a name of another form (a shard from before regions). */
export function parseShardName(
  name: string,
): { chain: string; region: StreamRegion; index: number } | undefined {
  const match = /^(.+)\/([a-z-]+)\/(\d+)$/.exec(name);
  if (!match || !isRegion(match[2])) return undefined;
  return { chain: match[1] as string, region: match[2], index: Number(match[3]) };
}

/** A shard, created in its region. */
export function shardStub(env: Pick<Env, "SHARD">, name: string): DurableObjectStub<FanoutShardApi> {
  const region = parseShardName(name)?.region;
  return env.SHARD.getByName(name, region ? { locationHint: region } : undefined);
}

/** The directory of `chain`'s shards in `region`, created in that region. */
export function directoryStub(
  env: Pick<Env, "SHARD_DIRECTORY">,
  chain: string,
  region: StreamRegion,
): DurableObjectStub<ShardDirectoryApi> {
  return env.SHARD_DIRECTORY.getByName(`${chain}/${region}`, { locationHint: region });
}
