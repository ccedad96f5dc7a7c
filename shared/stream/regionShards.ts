/**
 * @module
 * A chain's fan-out shards holding sockets, by region, as their directories count them: for the
 * admin API. Asks the directory of every region at once.
 */
import type { Env } from "../config/env";
import { directoryStub, REGIONS, type StreamRegion } from "./placement";

export interface RegionShard {
  region: StreamRegion;
  index: number;
  sockets: number;
}

/** The shards of `chain` holding sockets, by region then index; a region whose directory fails is left out. */
export async function regionShards(env: Pick<Env, "SHARD_DIRECTORY">, chain: string): Promise<RegionShard[]> {
  const byRegion = await Promise.all(
    REGIONS.map(async (region) => {
      const shards = await directoryStub(env, chain, region)
        .shards()
        .catch(() => []);
      return shards.map(({ index, sockets }) => ({ region, index, sockets }));
    }),
  );
  return byRegion.flat();
}
