// Fault proxies (scripts/lib/faultProxy.mjs) on a thread of their own, so that forwarding thousands
// of calls a second does not compete with autocannon for the bench's event loop (whose latencies it
// would inflate). They are driven over their HTTP control servers as usual.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { startFaultProxy } from "../scripts/lib/faultProxy.mjs";

/**
 * Starts `count` fault proxies in front of `target` on one worker thread.
 * @param {{ target: string, count: number }} options
 * @returns {Promise<{ proxies: { url: string, controlUrl: string }[], stop: () => Promise<void> }>}
 */
export async function startProxies({ target, count }) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { target, count } });
  const proxies = await new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`fault proxy thread exited with ${code}`)));
  });
  let stopped;
  const stop = () => {
    stopped ??= new Promise((resolve) => {
      const timer = setTimeout(() => worker.terminate().then(() => resolve()), 5_000);
      worker.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage("stop");
    });
    return stopped;
  };
  return { proxies, stop };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { target, count } = workerData;
  const proxies = await Promise.all(Array.from({ length: count }, () => startFaultProxy({ target })));
  port.postMessage(proxies.map(({ url, controlUrl }) => ({ url, controlUrl })));
  port.once("message", async () => {
    await Promise.allSettled(proxies.map((p) => p.stop()));
    port.close();
  });
}
