// Runs a Worker in workerd through miniflare's API, with the bindings its wrangler config declares
// and a socket of its own (unsafeDirectSockets), so no development proxy sits in front of it.
import { dirname, resolve } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

/**
 * @param {{ configPath: string, port: number, host?: string, persistRoot?: string | false,
 *           bindings?: Record<string, string>, outDir?: string, triggerPort?: number }} options
 * `triggerPort`: a second port, through miniflare's entry, that also answers
 * `/cdn-cgi/local/scheduled?cron=<expression>` by running the scheduled handler as that trigger would.
 * `outDir` must lie inside the working directory: workerd refuses module paths outside it.
 */
export async function startWorker({
  configPath,
  port,
  host = "127.0.0.1",
  persistRoot,
  bindings = {},
  outDir,
  triggerPort,
}) {
  const { workerOptions, main, define } = unstable_getMiniflareWorkerOptions(configPath);
  const root = dirname(resolve(configPath));
  const { name } = unstable_readConfig({ config: configPath }, { hideWarnings: true });
  const outfile = resolve(outDir ?? resolve(root, ".wrangler/build"), `${name}.js`);
  await build({
    entryPoints: [resolve(root, main)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2023",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*"],
    define,
    logLevel: "error",
  });
  const { modulesRules: _rules, rootPath: _root, ...options } = workerOptions;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...options,
      // Named as deployed, so a service binding to the script itself (the stream entrypoint) resolves.
      name,
      bindings: { ...options.bindings, ...bindings },
      modules: true,
      scriptPath: outfile,
      host,
      port: triggerPort ?? 0,
      unsafeTriggerHandlers: triggerPort !== undefined,
      unsafeDirectSockets: [{ host, port }],
      // Local D1/KV state lives under this root (as wrangler keeps it); `false` keeps it in a temp dir.
      resourcePersistencePath:
        persistRoot === false ? undefined : (persistRoot ?? resolve(root, ".wrangler/state/v3")),
    }),
  );
  const entry = await mf.ready;
  return {
    url: `http://${host}:${port}`,
    entryUrl: entry.href.replace(/\/$/, ""),
    mf,
    stop: () => mf.dispose(),
  };
}
