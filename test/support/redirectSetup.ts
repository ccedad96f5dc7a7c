// Global setup (Node): the redirecting server (redirectServer.mjs) for the worker tests; its URL is
// injected as TEST_REDIRECT_URL: a redirect the gateway followed would show in its count.
import type { TestProject } from "vitest/node";
import { startRedirectServer } from "./redirectServer.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    redirectUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startRedirectServer();
  project.provide("redirectUrl", server.url);
  return () => server.stop();
}
