// npm start: a local anvil as the upstream of chain `local`, the gateway in workerd with local
// D1/KV (persisted under .wrangler/state), a seeded demo tenant, and the URLs to use.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { unstable_readConfig } from "wrangler";
import { startAnvil } from "./lib/anvil.mjs";
import { cronMatches } from "./lib/cron.mjs";
import { ROOT, startGateway } from "./lib/gateway.mjs";
import { seedDemo } from "./lib/seed.mjs";
import { adminToken } from "./lib/token.mjs";

const devVars = resolve(ROOT, ".dev.vars");
/** Local secrets, made once and kept in .dev.vars; a secret added since an earlier run is appended. */
const LOCAL_SECRETS = {
  ADMIN_JWT_SECRET: () => randomBytes(32).toString("hex"),
  UPSTREAM_KEY: () => randomBytes(32).toString("base64"),
  AUDIT_KEY: () => `a1:${randomBytes(32).toString("base64")}`,
};
if (!existsSync(devVars)) {
  writeFileSync(
    devVars,
    "# Local secrets, made by npm start. Never used in production: set them with wrangler secret put.\n",
  );
}
for (const [name, make] of Object.entries(LOCAL_SECRETS)) {
  if (!new RegExp(`^${name}=`, "m").test(readFileSync(devVars, "utf8")))
    appendFileSync(devVars, `${name}=${make()}\n`);
}
const secret = /^ADMIN_JWT_SECRET=(.*)$/m.exec(readFileSync(devVars, "utf8"))?.[1]?.trim();
if (!secret) throw new Error(".dev.vars has no ADMIN_JWT_SECRET");

const port = Number(process.env.PORT ?? 8787);
// miniflare's entry: the same Worker, and /cdn-cgi/local/scheduled?cron=... fires a cron trigger.
const triggerPort = Number(process.env.TRIGGER_PORT ?? port + 1);
const crons =
  unstable_readConfig({ config: resolve(ROOT, "wrangler.toml") }, { hideWarnings: true }).triggers.crons ??
  [];

/** Fires cron triggers as Cloudflare does when deployed (workerd does not run them by itself). */
async function fire(due) {
  for (const cron of due) {
    const url = `${gateway.entryUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}`;
    const res = await fetch(url).catch((err) => ({ ok: false, status: String(err) }));
    if (!res.ok) console.error(`cron "${cron}" failed: ${res.status}`);
  }
}
// The chain is kept beside the local D1/KV: saved when anvil stops, loaded when it starts.
const anvil = await startAnvil({
  port: Number(process.env.ANVIL_PORT ?? 8545),
  chainId: 31337,
  blockTime: 1,
  state: resolve(ROOT, ".wrangler/state/anvil/state.json"),
});
let gateway;
const stop = async () => {
  await Promise.allSettled([gateway?.stop(), anvil.stop()]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

try {
  gateway = await startGateway({ port, triggerPort });
  const token = await adminToken(secret);
  const { key, chain } = await seedDemo({
    gatewayUrl: gateway.url,
    token,
    upstreamUrl: anvil.url,
    keyFile: resolve(ROOT, ".wrangler/demo-key.json"),
  });
  console.log(`anvil (chain id 31337, 1 s blocks) on ${anvil.url}`);
  console.log(`Admin token (1 h, scope admin:write): ${token}`);
  console.log(`RPC URL: ${gateway.url}/v1/${chain}/${key}`);
  console.log(`WebSocket URL: ${gateway.url.replace(/^http/, "ws")}/v1/${chain}/${key}`);
  console.log(`Status page: ${gateway.url}/status (and ${gateway.url}/status.json)`);
  console.log(`Operator console: ${gateway.url}/console (sign in with the admin token above)`);
  console.log(`Tenant dashboard: ${gateway.url}/dashboard (sign in with the API key in the RPC URL)`);
  console.log(`API reference: ${gateway.url}/docs (and npx rpcgw --help)`);
  console.log(`Cron triggers (${crons.join(", ")}) fire on schedule; fire one now with:`);
  console.log(`  curl "http://127.0.0.1:${triggerPort}/cdn-cgi/local/scheduled?cron=*+*+*+*+*"`);
  console.log("Ctrl-C stops the gateway and anvil.");
  // Every job once at start, so prices, validators and sanctions are there at once; then on schedule.
  await fire(crons);
  const tick = () => {
    const next = (Math.floor(Date.now() / 60_000) + 1) * 60_000;
    const due = () => crons.filter((c) => cronMatches(c, new Date(next)));
    setTimeout(() => fire(due()).finally(tick), next - Date.now());
  };
  tick();
} catch (err) {
  console.error(err);
  await stop();
}
