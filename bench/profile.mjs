// node bench/profile.mjs: a CPU profile of the gateway's hot path, for finding what to make faster.
// Starts anvil and the gateway (workerd, with its DevTools inspector on), seeds the demo tenant with
// roomy limits, warms up with the bench's call stream (eth_getBalance of fresh addresses), then
// profiles PROFILE_SECONDS (10) of the same load through the inspector's Profiler. Prints the rows
// with the most self time and the most total time (by function and file:line), and writes the
// profile to bench/.wrangler/gateway.cpuprofile (open it in Chrome DevTools).
//
// Settings (environment): PROFILE_SECONDS (10), PROFILE_WARMUP (8), PROFILE_CONNECTIONS (16),
// PROFILE_ROWS (40), PROFILE_TARGET (gateway, or floor for the floor Worker).
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { startAnvil } from "../scripts/lib/anvil.mjs";
import { startGateway } from "../scripts/lib/gateway.mjs";
import { freePort } from "../scripts/lib/ports.mjs";
import { seedDemo } from "../scripts/lib/seed.mjs";
import { adminToken } from "../scripts/lib/token.mjs";
import { startWorker } from "../scripts/lib/worker.mjs";
import { FRESH_STREAM, streamOptions } from "./calls.mjs";
import { ROOMY_LIMITS } from "./metering.mjs";
import { summarizeProfile } from "./profileRows.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const OUT_DIR = resolve(HERE, ".wrangler");
const num = (name, fallback) => Number(process.env[name] ?? fallback);
const SECONDS = num("PROFILE_SECONDS", 10);
const WARMUP = num("PROFILE_WARMUP", 8);
const CONNECTIONS = num("PROFILE_CONNECTIONS", 16);
const ROWS = num("PROFILE_ROWS", 40);
const TARGET = process.env.PROFILE_TARGET ?? "gateway";

const load = (url, seconds) =>
  autocannon({
    ...streamOptions({ url, seconds, connections: CONNECTIONS }),
    requests: [{ setupRequest: (r) => ({ ...r, body: FRESH_STREAM.calls()() }) }],
  });

/** The DevTools protocol over the inspector's WebSocket: send(method, params) resolves with its result. */
async function inspect(port, name) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  console.log(`inspector targets: ${targets.map((t) => t.title).join(", ")}`);
  const target = targets.find((t) => t.title === `core:user:${name}`) ?? targets[0];
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((ok, fail) => {
    socket.onopen = ok;
    socket.onerror = fail;
  });
  let next = 1;
  const waiting = new Map();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  };
  const send = (method, params = {}) =>
    new Promise((ok) => {
      const id = next++;
      waiting.set(id, ok);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close(), title: target.title };
}

async function start(anvil, inspectorPort) {
  const port = await freePort();
  if (TARGET === "floor") {
    return startWorker({
      configPath: resolve(HERE, "floor/wrangler.toml"),
      port,
      persistRoot: false,
      bindings: { UPSTREAM_URL: anvil.url, UPSTREAM_TIMEOUT_MS: "4000" },
      outDir: resolve(OUT_DIR, "build/profile-floor"),
      inspectorPort,
    });
  }
  const secret = randomBytes(32).toString("hex");
  const bindings = {
    ADMIN_JWT_SECRET: secret,
    UPSTREAM_KEY: randomBytes(32).toString("base64"),
    AUDIT_KEY: randomBytes(32).toString("base64"),
  };
  const gateway = await startGateway({
    port,
    persistRoot: false,
    bindings,
    outDir: resolve(OUT_DIR, "build/profile"),
    inspectorPort,
  });
  const token = await adminToken(secret);
  const seeded = await seedDemo({
    gatewayUrl: gateway.url,
    token,
    upstreamUrl: anvil.url,
    limits: ROOMY_LIMITS,
    localOnly: true,
  });
  return { ...gateway, url: `${gateway.url}/v1/${seeded.chain}/${seeded.key}` };
}

const anvil = await startAnvil({ chainId: 31337, blockTime: 1 });
const inspectorPort = await freePort();
const worker = await start(anvil, inspectorPort);
try {
  console.log(`profile: ${TARGET}, ${WARMUP} s warm-up, ${SECONDS} s profiled, ${CONNECTIONS} connections`);
  await load(worker.url, WARMUP);
  const inspector = await inspect(inspectorPort, TARGET === "floor" ? "floor" : "edge-rpc-gateway");
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
  await inspector.send("Profiler.start");
  const result = await load(worker.url, SECONDS);
  const { profile } = await inspector.send("Profiler.stop");
  inspector.close();
  console.log(`${result.requests.total} requests, ${Math.round(result.requests.average)} req/s`);
  await mkdir(OUT_DIR, { recursive: true });
  const file = resolve(OUT_DIR, `${TARGET}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  const { self, total, idlePct, busyUsPerRequest } = summarizeProfile(profile, ROWS, result.requests.total);
  console.log(`busy ${busyUsPerRequest} µs per request (idle ${idlePct}% of samples); by self time:`);
  console.table(self);
  console.log("by total time (functions of this repository):");
  console.table(total);
  console.log(`wrote ${file}`);
} finally {
  await worker.stop();
  await anvil.stop();
}
