// npm run fuzz: generated inputs (scripts/lib/fuzzInputs.mjs) against the gateway in workerd with local
// D1/KV and a real anvil behind it, over HTTP and WebSockets; every answer must be well-formed JSON-RPC
// (or an empty 204 for notifications), never HTTP 500, never a local address or the upstream's URL,
// and eth_chainId must keep answering. Exits 1 on any violation, printing the first few.
//
// Settings (environment): FUZZ_SEED (random; printed, so a run reproduces), FUZZ_INPUTS HTTP inputs
// (100000), FUZZ_WS_FRAMES (10000), FUZZ_CONCURRENCY requests in flight (32).
import { randomBytes, randomInt } from "node:crypto";
import { resolve } from "node:path";
import { startAnvil } from "./lib/anvil.mjs";
import { leakPatterns } from "./lib/fuzzCheck.mjs";
import { knownMethods } from "./lib/fuzzMethods.mjs";
import { chainIdProblem, fuzzKey, runHttp } from "./lib/fuzzRun.mjs";
import { runWs } from "./lib/fuzzWs.mjs";
import { ROOT, startGateway } from "./lib/gateway.mjs";
import { freePort } from "./lib/ports.mjs";
import { seedDemo } from "./lib/seed.mjs";
import { adminToken } from "./lib/token.mjs";

const setting = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
};
const SEED = setting("FUZZ_SEED", randomInt(2 ** 31));
const INPUTS = setting("FUZZ_INPUTS", 100_000);
const WS_FRAMES = setting("FUZZ_WS_FRAMES", 10_000);
const CONCURRENCY = Math.max(1, setting("FUZZ_CONCURRENCY", 32));
const CHAIN_ID = "0x7a69";

const stops = [];
async function shutdown(code) {
  const timeout = new Promise((r) => setTimeout(r, 10_000).unref());
  await Promise.race([Promise.allSettled(stops.map((stop) => stop())), timeout]);
  process.exit(code);
}
process.once("SIGINT", () => shutdown(130));
process.once("SIGTERM", () => shutdown(143));
setTimeout(() => {
  console.error("fuzz: not done after 30 minutes, giving up");
  shutdown(1);
}, 30 * 60_000).unref();

/** anvil, the gateway in workerd (its own temp D1/KV), the seeded chain, a sanctions snapshot, a roomy key. */
async function startSystem() {
  const anvil = await startAnvil({ chainId: 31337, blockTime: 1 });
  stops.push(anvil.stop);
  const secret = randomBytes(32).toString("hex");
  const gateway = await startGateway({
    port: await freePort(),
    triggerPort: await freePort(),
    persistRoot: false,
    bindings: {
      ADMIN_JWT_SECRET: secret,
      UPSTREAM_KEY: randomBytes(32).toString("base64"),
      AUDIT_KEY: randomBytes(32).toString("base64"),
    },
    // Its own bundle, so a fuzz run and other runs in the tree do not overwrite each other's.
    outDir: resolve(ROOT, ".wrangler/fuzz/build"),
  });
  stops.push(gateway.stop);
  const token = await adminToken(secret);
  const { chain } = await seedDemo({
    gatewayUrl: gateway.url,
    token,
    upstreamUrl: anvil.url,
    localOnly: true,
  });
  // The first sanctions snapshot, as npm start makes it: without one every transaction is refused.
  const fired = await fetch(
    `${gateway.entryUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("0 * * * *")}`,
  );
  if (!fired.ok) throw new Error(`the sanctions job did not run: HTTP ${fired.status}`);
  const key = await fuzzKey({ gatewayUrl: gateway.url, token });
  return { anvil, base: `${gateway.url}/v1/${chain}`, key };
}

function report(name, result, seconds) {
  const rate = Math.round(result.inputs / seconds);
  console.log(`\n${name}: ${result.inputs} inputs in ${seconds.toFixed(1)} s (${rate} inputs/s)`);
  console.log(`  by status: ${JSON.stringify(result.statuses)}`);
  console.log(`  by JSON-RPC error code: ${JSON.stringify(result.errorCodes)}`);
  console.log(`  eth_chainId checks: ${result.health.checks}, failed: ${result.health.failures}`);
  console.log(`  violations: ${result.violations}`);
  for (const example of result.examples.slice(0, 5)) console.log(`  - ${JSON.stringify(example)}`);
  const { statuses, errorCodes, violations, examples, health, inputs } = result;
  return {
    inputs,
    seconds: Number(seconds.toFixed(1)),
    rate,
    statuses,
    errorCodes,
    health,
    violations,
    examples,
  };
}

async function main() {
  console.log(
    `fuzz: seed ${SEED} (FUZZ_SEED=${SEED} repeats this run), ${INPUTS} HTTP inputs, ${WS_FRAMES} WebSocket frames`,
  );
  const { anvil, base, key } = await startSystem();
  const known = knownMethods();
  const patterns = leakPatterns(anvil.url);
  console.log(`fuzz: ${known.length} known methods; gateway and anvil up, ${CONCURRENCY} requests in flight`);
  const common = { known, patterns, chainId: CHAIN_ID, seed: SEED };
  let upstreamDied;
  let started = performance.now();
  const http = await runHttp({
    ...common,
    base,
    key,
    count: INPUTS,
    concurrency: CONCURRENCY,
    onProgress: async (n) => {
      if (n % 10_000 === 0)
        console.log(`  ${n} inputs, ${Math.round(n / ((performance.now() - started) / 1000))}/s`);
      // The node behind the gateway must outlive what is forwarded to it, or the rest meets only 503s.
      if (upstreamDied === undefined && (await chainIdProblem(anvil.url, CHAIN_ID))) {
        upstreamDied = n;
        console.log(`  anvil stopped answering between inputs ${n - 1000} and ${n}`);
      }
    },
  });
  const httpSummary = report("HTTP", http, (performance.now() - started) / 1000);
  started = performance.now();
  const ws = await runWs({ ...common, wsUrl: `${base.replace(/^http/, "ws")}/${key}`, count: WS_FRAMES });
  const wsSummary = report("WebSocket", ws, (performance.now() - started) / 1000);
  const after = await chainIdProblem(`${base}/${key}`, CHAIN_ID);
  console.log(`\neth_chainId after the run: ${after || "ok"}`);
  const violations = http.violations + ws.violations + (after ? 1 : 0);
  const upstream = upstreamDied === undefined ? "alive" : `anvil stopped answering by input ${upstreamDied}`;
  const summary = {
    seed: SEED,
    http: httpSummary,
    ws: wsSummary,
    chainIdAfter: after || "ok",
    upstream,
    violations,
  };
  console.log(`\nsummary: ${JSON.stringify(summary)}`);
  return violations === 0 ? 0 : 1;
}

main().then(shutdown, (err) => {
  console.error(err);
  shutdown(1);
});
