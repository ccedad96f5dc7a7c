/**
 * @module
 * A bound on how long a call may take: its value, or a stand-in once the time is up. The timer is
 * cleared either way, so a fast answer leaves nothing running.
 */

/** `work`'s value, or `timedOut` if it has not settled within `ms` ms. A rejection of `work` passes through. */
export async function within<T, U>(work: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
  let timer = 0;
  const timeout = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
