// Seeds a demo plan, tenant, chain, upstream and API key through the admin API, and the local price
// feed and sanctions oracle on the node (seedContracts.mjs). Idempotent: what
// exists is reused (by name), the upstream URL is updated to the given one, and a key saved in
// `keyFile` is reused while it still works.
import { readFile, writeFile } from "node:fs/promises";
import { seedContracts } from "./seedContracts.mjs";

/** The demo plan's limits: roomy enough for local development and the end-to-end tests. */
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
 *           chain?: { slug: string, chainId: number, name: string, blockTimeMs?: number },
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
  // anvil mines a block a second (scripts/lib/anvil.mjs): head answers are cached half of that.
  chain = { slug: "local", chainId: 31337, name: "Local anvil", blockTimeMs: 1_000 },
  limits = DEMO_LIMITS,
  localOnly = false,
}) {
  const api = adminApi({ gatewayUrl, token });
  const { plans } = await api("GET", "/plans");
  const found = plans.find((p) => p.name === "demo");
  const plan = found
    ? await api("PATCH", `/plans/${found.id}`, limits)
    : await api("POST", "/plans", { name: "demo", ...limits });
  const { tenants } = await api("GET", "/tenants");
  const tenant =
    tenants.find((t) => t.name === "demo") ??
    (await api("POST", "/tenants", { name: "demo", planId: plan.id }));
  const { chains } = await api("GET", "/chains");
  if (!chains.some((c) => c.slug === chain.slug)) await api("POST", "/chains", chain);
  const { upstreams } = await api("GET", `/chains/${chain.slug}/upstreams`);
  const anvil = upstreams.find((u) => u.name === "anvil");
  // anvil serves WebSocket subscriptions on its HTTP port: the stream's feed follows heads over it.
  const upstream = { url: upstreamUrl, capabilities: ["ws"] };
  if (anvil)
    await api("PATCH", `/chains/${chain.slug}/upstreams/${anvil.id}`, { ...upstream, enabled: true });
  else await api("POST", `/chains/${chain.slug}/upstreams`, { name: "anvil", ...upstream });

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
  await seedContracts({ api, nodeUrl: upstreamUrl, chain: chain.slug });
  if (localOnly) await disableRemoteLists(api);
  return { key: key.key, tenantId: tenant.id, chain: chain.slug };
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
