// npm start: a local anvil as the upstream of chain `local`, the gateway in workerd with local
// D1/KV (persisted under .wrangler/state), a seeded demo tenant, and the URLs to use.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { startAnvil } from "./lib/anvil.mjs";
import { ROOT, startGateway } from "./lib/gateway.mjs";
import { seedDemo } from "./lib/seed.mjs";
import { adminToken } from "./lib/token.mjs";

const devVars = resolve(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  writeFileSync(
    devVars,
    `# Local secrets, made by npm start. Never used in production: set them with wrangler secret put.\n` +
      `ADMIN_JWT_SECRET=${randomBytes(32).toString("hex")}\nUPSTREAM_KEY=${randomBytes(32).toString("base64")}\n`,
  );
}
const secret = /^ADMIN_JWT_SECRET=(.*)$/m.exec(readFileSync(devVars, "utf8"))?.[1]?.trim();
if (!secret) throw new Error(".dev.vars has no ADMIN_JWT_SECRET");

const port = Number(process.env.PORT ?? 8787);
const anvil = await startAnvil({
  port: Number(process.env.ANVIL_PORT ?? 8545),
  chainId: 31337,
  blockTime: 1,
});
let gateway;
const stop = async () => {
  await Promise.allSettled([gateway?.stop(), anvil.stop()]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

try {
  gateway = await startGateway({ port });
  const token = await adminToken(secret);
  const { key, chain } = await seedDemo({
    gatewayUrl: gateway.url,
    token,
    upstreamUrl: anvil.url,
    keyFile: resolve(ROOT, ".wrangler/demo-key.json"),
  });
  console.log(`anvil (chain id 31337, 1 s blocks) on ${anvil.url}`);
  console.log(`Admin token (24 h): ${token}`);
  console.log(`RPC URL: ${gateway.url}/v1/${chain}/${key}`);
  console.log(`WebSocket URL: ${gateway.url.replace(/^http/, "ws")}/v1/${chain}/${key}`);
  console.log("Ctrl-C stops the gateway and anvil.");
} catch (err) {
  console.error(err);
  await stop();
}
