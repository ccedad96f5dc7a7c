// Global setup (Node): one real anvil for the worker tests; its URL is injected as TEST_ANVIL_URL.
import type { TestProject } from "vitest/node";
import { startAnvil } from "../../scripts/lib/anvil.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    anvilUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const anvil = await startAnvil({ blockTime: 0 });
  project.provide("anvilUrl", anvil.url);
  return () => anvil.stop();
}
