/**
 * Identical calls in flight in one isolate share one upstream call: the first starts it, the others
 * wait for its result. The first request keeps it running (waitUntil) even if its own client goes.
 */

/** Calls in flight, by key. Bound: the calls running in this isolate; each leaves when it settles. */
const inFlight = new Map<string, Promise<unknown>>();

export function coalesce<T>(
  key: string,
  run: () => Promise<T>,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<T> {
  const running = inFlight.get(key) as Promise<T> | undefined;
  if (running) return running;
  const shared = run().finally(() => inFlight.delete(key));
  inFlight.set(key, shared);
  waitUntil(shared);
  return shared;
}
