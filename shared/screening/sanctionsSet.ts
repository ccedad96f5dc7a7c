/**
 * @module
 * The sanctions set this isolate screens against: read from KV when a transaction first needs it,
 * then again at most once a minute. The sanctions job hands a new version to its own isolate at once.
 */
import { type PublishedSanctions, readPublished } from "../stores/sanctions";

export interface Sanctions {
  version: number;
  hash: string;
  addresses: ReadonlySet<string>;
}

const REFRESH_MS = 60_000;
let held: { sanctions: Sanctions | null; readAt: number } | undefined;
let reading: Promise<Sanctions | null> | undefined;

/** The current set, or null when no snapshot has been published yet. */
export function currentSanctions(kv: KVNamespace): Promise<Sanctions | null> {
  if (held && Date.now() - held.readAt < REFRESH_MS) return Promise.resolve(held.sanctions);
  reading ??= readPublished(kv, 60)
    .then((published) => (wellFormed(published) ? setOf(published) : null))
    // A failed read keeps what this isolate had; with nothing held, the failure is the caller's.
    .catch((err: unknown) => {
      if (held) return null;
      throw err;
    })
    .then((sanctions) => {
      held = { sanctions: sanctions ?? held?.sanctions ?? null, readAt: Date.now() };
      return held.sanctions;
    })
    .finally(() => {
      reading = undefined;
    });
  return reading;
}

/** Takes a version just published (null: none), in the isolate that published it. */
export function noteSanctions(published: PublishedSanctions | null): void {
  held = { sanctions: published && setOf(published), readAt: Date.now() };
}

/** Only a set with a version and a list of addresses is screened against. */
function wellFormed(published: PublishedSanctions | null): published is PublishedSanctions {
  return Number.isInteger(published?.version) && Array.isArray(published?.addresses);
}

function setOf(published: PublishedSanctions): Sanctions {
  return { version: published.version, hash: published.hash, addresses: new Set(published.addresses) };
}
