// Global setup (Node): the stand-in P-Chain API for the worker tests; its URL is injected as TEST_PCHAIN_URL.
import type { TestProject } from "vitest/node";
import { startPchainServer } from "../../scripts/lib/pchainServer.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    pchainUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPchainServer();
  project.provide("pchainUrl", server.url);
  return () => server.stop();
}
