/**
 * Identical calls in flight in one isolate share one upstream call: the first starts it, the others
 * wait for its result. The first request keeps it running (waitUntil) even if its own client goes.
 * A joining request also holds a timer of its own while it waits: workerd cancels a request that
 * waits only on another request's I/O as hung (HTTP 500), and if the first request's call never
 * settles for it, the joiner makes its own call when the timer fires.
 */

/** Calls in flight, by key. Bound: the calls running in this isolate; each leaves when it settles. */
const inFlight = new Map<string, Promise<unknown>>();

export function coalesce<T>(
  key: string,
  run: () => Promise<T>,
  waitUntil: (p: Promise<unknown>) => void,
  /** How long a joiner waits for the shared call before making its own. */
  joinMs: number,
): Promise<T> {
  const running = inFlight.get(key) as Promise<T> | undefined;
  if (running) return join(running, run, joinMs);
  const done = () => inFlight.delete(key);
  const shared = run();
  shared.then(done, done);
  inFlight.set(key, shared);
  waitUntil(shared);
  return shared;
}

function join<T>(running: Promise<T>, run: () => Promise<T>, joinMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => run().then(resolve, reject), Math.max(1, joinMs));
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
