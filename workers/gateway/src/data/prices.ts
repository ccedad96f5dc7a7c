/**
 * @module
 * GET /v1/prices and /v1/prices/:pair: the price job's latest prices from KV, for any valid API
 * key. A pair is written with a dash in the URL (`ETH-USD` for ETH/USD).
 */
import { NotFoundError } from "../../../../shared/errors/kinds";
import { asServed, readPrice, readPrices } from "../../../../shared/stores/prices";

export async function allPrices(kv: KVNamespace) {
  const now = Date.now();
  return { prices: (await readPrices(kv)).map((e) => asServed(e, now)) };
}

export async function onePrice(kv: KVNamespace, pairParam: string) {
  const pair = pairParam.toUpperCase().replace(/[-_]/, "/");
  const entry = await readPrice(kv, pair);
  if (!entry) {
    throw new NotFoundError(`no price for ${pair.slice(0, 40)}: GET /v1/prices lists the pairs served`);
  }
  return asServed(entry, Date.now());
}
