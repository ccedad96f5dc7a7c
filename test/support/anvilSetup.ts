// Global setup (Node): one real anvil for the worker tests, injected as TEST_ANVIL_URL; a second one
// for tests that change the chain under the other files' feet (mining past finality, code at
// Multicall3's address), as TEST_MINING_ANVIL_URL; and the local server standing in for remote sanctions lists, as TEST_LIST_URL.
import type { TestProject } from "vitest/node";
import { startAnvil } from "../../scripts/lib/anvil.mjs";
import { startListServer } from "../../scripts/lib/listServer.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    anvilUrl: string;
    miningAnvilUrl: string;
    listUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const anvil = await startAnvil({ blockTime: 0 });
  const miningAnvil = await startAnvil({ blockTime: 0 });
  const lists = await startListServer();
  project.provide("anvilUrl", anvil.url);
  project.provide("miningAnvilUrl", miningAnvil.url);
  project.provide("listUrl", lists.url);
  return async () => {
    await lists.stop();
    await Promise.all([anvil.stop(), miningAnvil.stop()]);
  };
}
