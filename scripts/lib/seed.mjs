// Seeds a demo plan, tenant, chain, upstream and API key through the admin API, and the local price
// feed and sanctions oracle on the node (seedContracts.mjs). The plan, tenant, chain and upstream are
// examples/local.yaml made true with the CLI's apply (cli/lib/apply.mjs), with the callers' limits
// and chain laid over it. Idempotent: what exists is reused (by name), the upstream URL is sent again
// each time (anvil's port may change), and a key saved in `keyFile` is reused while it still works.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { apply } from "../../cli/lib/apply.mjs";
import { loadApplyFile } from "../../cli/lib/applyFile.mjs";
import { seedContracts } from "./seedContracts.mjs";

const LOCAL_FILE = fileURLToPath(new URL("../../examples/local.yaml", import.meta.url));

/** The demo plan's limits (as in examples/local.yaml): roomy enough for local development and tests. */
export const DEMO_LIMITS = { cuPerSecond: 10_000, burstCu: 20_000, monthlyCu: 1_000_000_000 };

/**
 * Calls the admin API: `api(method, path, body?)` resolves with the JSON answer (null for 204) and
 * throws on any other status than 2xx.
 * @param {{ gatewayUrl: string, token: string }} options
 */
export function adminApi({ gatewayUrl, token }) {
  return async (method, path, body) => {
    const res = await fetch(`${gatewayUrl}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/**
 * @param {{ gatewayUrl: string, token: string, upstreamUrl: string, keyFile?: string,
 *           chain?: { slug?: string, chainId?: number, name?: string, blockTimeMs?: number },
 *           limits?: { cuPerSecond?: number, burstCu?: number, monthlyCu?: number },
 *           localOnly?: boolean }} options (`localOnly`: turn off the sanctions lists the migrations
 *           seed at public URLs, so tests and the benchmark send nothing beyond loopback)
 * @returns {Promise<{ key: string, tenantId: string, chain: string }>}
 */
export async function seedDemo({
  gatewayUrl,
  token,
  upstreamUrl,
  keyFile,
  // Laid over the file's chain "local" (anvil mines a block a second: blockTimeMs 1000).
  chain = {},
  limits = DEMO_LIMITS,
  localOnly = false,
}) {
  const api = adminApi({ gatewayUrl, token });
  const file = await loadApplyFile(LOCAL_FILE, { ANVIL_URL: upstreamUrl });
  const config = {
    plans: file.plans.map((plan) => (plan.name === "demo" ? { ...plan, ...limits } : plan)),
    chains: file.chains.map(({ upstreams, ...local }) => ({ ...local, ...chain, upstreams })),
    tenants: file.tenants,
  };
  // The upstream's URL is not readable: it is sent every time, as anvil's port may have changed.
  await apply(config, { api, updateUrls: true });
  const { tenants } = await api("GET", "/tenants");
  const tenant = tenants.find((t) => t.name === "demo");
  const slug = config.chains[0].slug;

  const saved = keyFile
    ? await readFile(keyFile, "utf8").then(
        (t) => JSON.parse(t),
        () => null,
      )
    : null;
  const { keys } = await api("GET", `/tenants/${tenant.id}/keys`);
  const live = saved && keys.some((k) => k.id === saved.id && k.revokedAt === null);
  const key = live ? saved : await api("POST", `/tenants/${tenant.id}/keys`, { name: "demo" });
  if (keyFile && !live) await writeFile(keyFile, JSON.stringify({ id: key.id, key: key.key }));
  await seedContracts({ api, nodeUrl: upstreamUrl, chain: slug });
  if (localOnly) await disableRemoteLists(api);
  return { key: key.key, tenantId: tenant.id, chain: slug };
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Turns off every enabled list source whose URL is not on this machine. */
async function disableRemoteLists(api) {
  const { sources } = await api("GET", "/sanction-sources");
  for (const source of sources) {
    if (source.kind !== "list" || !source.enabled || LOOPBACK_HOSTS.has(new URL(source.url).hostname))
      continue;
    await api("PATCH", `/sanction-sources/${source.id}`, { enabled: false });
  }
}
