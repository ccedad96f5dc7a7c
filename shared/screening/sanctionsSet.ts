/**
 * @module
 * The sanctions set this isolate screens against: read from KV when a transaction first needs it,
 * then again at most once a minute. The isolate that publishes a version holds it at once.
 */
import { type PublishedSanctions, publish, readPublished } from "../stores/sanctions";

export interface Sanctions {
  version: number;
  hash: string;
  addresses: ReadonlySet<string>;
}

const REFRESH_MS = 60_000;
/** The set this isolate screens against (one), read again once REFRESH_MS old; and the read in flight. */
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

/** Publishes a new version to KV (shared/stores/sanctions.ts) and holds it in this isolate at once. */
export async function publishSanctions(kv: KVNamespace, published: PublishedSanctions): Promise<void> {
  await publish(kv, published);
  holdSanctions(published);
}

/** Holds a version (null: none) in this isolate until the next read, REFRESH_MS from now. */
export function holdSanctions(published: PublishedSanctions | null): void {
  held = { sanctions: published && setOf(published), readAt: Date.now() };
}

/** Only a set with a version and a list of addresses is screened against. */
function wellFormed(published: PublishedSanctions | null): published is PublishedSanctions {
  return Number.isInteger(published?.version) && Array.isArray(published?.addresses);
}

function setOf(published: PublishedSanctions): Sanctions {
  return { version: published.version, hash: published.hash, addresses: new Set(published.addresses) };
}
