// Runs a Worker in workerd through miniflare's API, with the bindings its wrangler config declares
// and a socket of its own (unsafeDirectSockets), so no development proxy sits in front of it.
import { dirname, resolve } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

/**
 * @param {{ configPath: string, port: number, host?: string, persistRoot?: string | false,
 *           bindings?: Record<string, string>, outDir?: string, triggerPort?: number,
 *           inspectorPort?: number }} options
 * `triggerPort`: a second port, through miniflare's entry, that also answers
 * `/cdn-cgi/local/scheduled?cron=<expression>` by running the scheduled handler as that trigger would.
 * `inspectorPort`: where workerd's DevTools inspector listens (CPU profiles, bench/profile.mjs).
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
  inspectorPort,
}) {
  const { workerOptions, main, define } = unstable_getMiniflareWorkerOptions(configPath);
  const root = dirname(resolve(configPath));
  const { name, rules = [] } = unstable_readConfig({ config: configPath }, { hideWarnings: true });
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
    plugins: [textRules(rules)],
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
      ...(inspectorPort !== undefined && { inspectorPort }),
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

/** A glob of wrangler's module rules (`**` any folders, `*` any name part) as a regular expression. */
function globToRegExp(glob) {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .split("**/")
    .map((part) => part.replace(/\*/g, "[^/]*"))
    .join("(?:.*/)?");
  return new RegExp(`(?:^|/)${pattern}$`);
}

/** wrangler.toml's `[[rules]]` of type Text, as wrangler applies them: the matched files import as strings. */
function textRules(rules) {
  const patterns = rules.filter((r) => r.type === "Text").flatMap((r) => r.globs.map(globToRegExp));
  return {
    name: "wrangler-text-rules",
    setup(b) {
      if (patterns.length === 0) return;
      b.onLoad({ filter: /.*/ }, async (args) => {
        if (!patterns.some((p) => p.test(args.path))) return undefined;
        const { readFile } = await import("node:fs/promises");
        return { contents: await readFile(args.path, "utf8"), loader: "text" };
      });
    },
  };
}
