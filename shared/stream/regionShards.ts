/**
 * @module
 * A chain's fan-out shards holding sockets, by region, as their directories count them: for the
 * admin API. Asks the chain's feed which regions have had shards (each region's directory tells it
 * on its first assignment), then only those regions' directories, at once: a region that never had a
 * socket gets no directory created by looking.
 */
import type { Env } from "../config/env";
import { directoryStub, REGIONS, type StreamRegion } from "./placement";

export interface RegionShard {
  region: StreamRegion;
  index: number;
  sockets: number;
}

/** The shards of `chain` holding sockets, by region then index; a region whose directory fails is left out. */
export async function regionShards(
  env: Pick<Env, "SHARD_DIRECTORY" | "FEED">,
  chain: string,
): Promise<RegionShard[]> {
  const known = new Set(await env.FEED.getByName(chain).regions());
  const byRegion = await Promise.all(
    REGIONS.filter((region) => known.has(region)).map(async (region) => {
      const shards = await directoryStub(env, chain, region)
        .shards()
        .catch(() => []);
      return shards.map(({ index, sockets }) => ({ region, index, sockets }));
    }),
  );
  return byRegion.flat();
}
