// node bench/cpu.mjs: CPU time per request of the gateway's and the floor's workerd processes (user
// + system, from /proc), over the same number of the bench's calls (eth_getBalance of fresh
// addresses), alternating. Unlike req/s, CPU per request holds still when other processes load the
// machine, so it shows a hot-path change that the throughput noise would hide. The ratio floor /
// gateway is what gateway_vs_floor would be if workerd's CPU were the only limit.
//
// Settings (environment): CPU_REQUESTS per segment (10000), CPU_ROUNDS (4), CPU_CONNECTIONS (16),
// CPU_GATEWAY_BINDINGS (JSON: bindings that override the gateway's, e.g. {"METRICS_MODE":"off"}),
// CPU_COMPARE (another checkout, e.g. a git worktree of the commit before a change: its gateway joins
// the same alternation as "compared", so a change is measured against what it changes, in one run).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { startAnvil } from "../scripts/lib/anvil.mjs";
import { freePort } from "../scripts/lib/ports.mjs";
import { seedDemo } from "../scripts/lib/seed.mjs";
import { adminToken } from "../scripts/lib/token.mjs";
import { startWorker } from "../scripts/lib/worker.mjs";
import { FRESH_STREAM, streamOptions } from "./calls.mjs";
import { ROOMY_LIMITS } from "./metering.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const REQUESTS = Number(process.env.CPU_REQUESTS ?? 10_000);
const ROUNDS = Number(process.env.CPU_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.CPU_CONNECTIONS ?? 16);
const TICK_US = 1e6 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));

const workerds = () => {
  try {
    const pids = execFileSync("pgrep", ["-x", "workerd"], { encoding: "utf8" });
    return new Set(pids.split("\n").filter(Boolean).map(Number));
  } catch {
    return new Set(); // pgrep exits 1 when none runs
  }
};
/** Starts a Worker and returns it with the pid of the workerd process it started. */
async function withPid(starting) {
  const before = workerds();
  const worker = await starting();
  const pid = [...workerds()].find((p) => !before.has(p));
  if (pid === undefined) throw new Error("could not find the workerd process");
  return { ...worker, pid };
}
const cpuUs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
};

async function measure(worker, requests) {
  const before = cpuUs(worker.pid);
  const { duration: _, ...options } = streamOptions({
    url: worker.url,
    seconds: 0,
    connections: CONNECTIONS,
  });
  const result = await autocannon({
    ...options,
    amount: requests,
    requests: [{ setupRequest: (r) => ({ ...r, body: FRESH_STREAM.calls()() }) }],
  });
  if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx + result.errors} failed requests`);
  return (cpuUs(worker.pid) - before) / requests;
}

const anvil = await startAnvil({ chainId: 31337, blockTime: 1 });
const secret = randomBytes(32).toString("hex");
const floor = await withPid(async () =>
  startWorker({
    configPath: resolve(HERE, "floor/wrangler.toml"),
    port: await freePort(),
    persistRoot: false,
    bindings: { UPSTREAM_URL: anvil.url, UPSTREAM_TIMEOUT_MS: "4000" },
    outDir: resolve(HERE, ".wrangler/build/cpu-floor"),
  }),
);
/** The gateway of the checkout at `root` (this one, or CPU_COMPARE's), seeded, with its pid and RPC URL. */
async function gatewayOf(root, name) {
  const { startGateway: start } = await import(resolve(root, "scripts/lib/gateway.mjs"));
  const gateway = await withPid(async () =>
    start({
      port: await freePort(),
      persistRoot: false,
      bindings: {
        ADMIN_JWT_SECRET: secret,
        UPSTREAM_KEY: randomBytes(32).toString("base64"),
        AUDIT_KEY: randomBytes(32).toString("base64"),
        ...JSON.parse(process.env.CPU_GATEWAY_BINDINGS ?? "{}"),
      },
      // Inside this working directory, whichever checkout it is built from: workerd wants it so.
      outDir: resolve(HERE, `.wrangler/build/cpu-${name}`),
    }),
  );
  const seeded = await seedDemo({
    gatewayUrl: gateway.url,
    token: await adminToken(secret),
    upstreamUrl: anvil.url,
    limits: ROOMY_LIMITS,
    localOnly: true,
  });
  return { ...gateway, url: `${gateway.url}/v1/${seeded.chain}/${seeded.key}` };
}

const targets = { floor, gateway: await gatewayOf(resolve(HERE, ".."), "gateway") };
if (process.env.CPU_COMPARE) targets.compared = await gatewayOf(resolve(process.env.CPU_COMPARE), "compared");
try {
  const names = Object.keys(targets);
  for (const name of names) await measure(targets[name], REQUESTS / 2);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? names : names.toReversed()) {
      samples[name].push(await measure(targets[name], REQUESTS));
    }
  }
  // The least of the rounds: other load on the machine only ever adds CPU time (caches, frequency).
  const least = Object.fromEntries(names.map((name) => [name, Math.min(...samples[name])]));
  for (const name of names) {
    console.log(
      `workerd CPU per request, ${name}: ${least[name].toFixed(0)} µs (least of ${samples[name].map((x) => x.toFixed(0))})` +
        (name === "floor"
          ? ""
          : `; floor/${name} ${(least.floor / least[name]).toFixed(3)}, adds ${(least[name] - least.floor).toFixed(0)} µs`),
    );
  }
} finally {
  await Promise.allSettled([...Object.values(targets).map((t) => t.stop()), anvil.stop()]);
}
