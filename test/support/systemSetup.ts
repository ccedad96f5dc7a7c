// Global setup (Node) for end-to-end tests: real anvil, the gateway in workerd on its own port,
// and a demo tenant seeded through the admin API, the same way `npm start` does it.
import type { TestProject } from "vitest/node";
import { startAnvil } from "../../scripts/lib/anvil.mjs";
import { startGateway } from "../../scripts/lib/gateway.mjs";
import { freePort } from "../../scripts/lib/ports.mjs";
import { seedDemo } from "../../scripts/lib/seed.mjs";
import { adminToken } from "../../scripts/lib/token.mjs";
import { TEST_SECRETS } from "../../vitest.config";

declare module "vitest" {
  export interface ProvidedContext {
    rpcUrl: string;
    anvilUrl: string;
    gatewayUrl: string;
    adminToken: string;
    /** Where scheduled jobs are fired: `${entryUrl}/cdn-cgi/local/scheduled?cron=...`. */
    entryUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const anvil = await startAnvil({ blockTime: 1 });
  const gateway = await startGateway({
    port: await freePort(),
    triggerPort: await freePort(),
    persistRoot: false,
    bindings: TEST_SECRETS,
  }).catch(async (err) => {
    await anvil.stop();
    throw err;
  });
  const token = await adminToken(TEST_SECRETS.ADMIN_JWT_SECRET);
  const { key, chain } = await seedDemo({
    gatewayUrl: gateway.url,
    token,
    upstreamUrl: anvil.url,
    localOnly: true,
  });
  // The first sanctions snapshot, from the seeded oracle, as npm start makes it: without one the
  // gateway refuses every transaction (SCREENING_WITHOUT_SNAPSHOT).
  const fired = await fetch(
    `${gateway.entryUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("0 * * * *")}`,
  );
  if (!fired.ok) throw new Error(`the sanctions job did not run: HTTP ${fired.status}`);
  project.provide("rpcUrl", `${gateway.url}/v1/${chain}/${key}`);
  project.provide("anvilUrl", anvil.url);
  project.provide("gatewayUrl", gateway.url);
  project.provide("adminToken", token);
  project.provide("entryUrl", gateway.entryUrl);
  return async () => {
    await gateway.stop();
    await anvil.stop();
  };
}
