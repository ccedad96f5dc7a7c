// Starts the gateway in workerd with its D1 migrations applied.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations } from "./migrate.mjs";
import { startWorker } from "./worker.mjs";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");

/**
 * @param {{ port: number, persistRoot?: string | false, bindings?: Record<string, string>, outDir?: string,
 *           triggerPort?: number }} options
 */
export async function startGateway(options) {
  // Local nodes (anvil, the fault proxy) are on loopback: allowed here, never in production.
  const bindings = { EGRESS: "loopback", ...options.bindings };
  const worker = await startWorker({ configPath: resolve(ROOT, "wrangler.toml"), ...options, bindings });
  await applyMigrations(await worker.mf.getD1Database("DB"), resolve(ROOT, "db/migrations"));
  return worker;
}
