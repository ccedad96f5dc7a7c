// What the CLI's e2e tests share: the CLI run against the test gateway with the admin token, its
// output when it succeeds, the admin API read directly to compare with, and the CLI's tables parsed.
import { expect, inject } from "vitest";
import { runCli } from "./cliRun.mjs";

export const gatewayUrl = inject("gatewayUrl");
export const adminToken = inject("adminToken");

/** `rpcgw ...args` against the test gateway, with the admin token unless `env` says otherwise. */
export function rpcgw(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { RPCGW_URL: gatewayUrl, RPCGW_TOKEN: adminToken, ...env });
}

/** The command's output, failing the test with its stderr when it did not exit 0. */
export async function ok(args: string[], env?: Record<string, string>): Promise<string> {
  const run = await rpcgw(args, env);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

/** An admin API request with the admin token. */
export function adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${gatewayUrl}/admin/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, ...init.headers },
  });
}

/** An admin API GET answered 200; its JSON. */
export async function admin<T = Record<string, unknown>>(path: string): Promise<T> {
  const res = await adminFetch(path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** A table printed by the CLI: its header cells and its rows' cells. */
export function parseTable(text: string) {
  const [header = "", ...rows] = text.trim().split("\n");
  return { header: header.split(/\s+/), rows: rows.map((line) => line.split(/\s+/)) };
}

/** The columns of rpcgw's tables, as the commands print them. */
export const CHAIN_HEADER = [
  "slug",
  "kind",
  "chain-id",
  "name",
  "enabled",
  "block-time-ms",
  "max-lag-blocks",
];
export const UPSTREAM_HEADER = ["id", "name", "enabled", "capabilities", "oldest-block", "disabled-reason"];
export const PLAN_HEADER = [
  "id",
  "name",
  "cu-per-second",
  "burst-cu",
  "monthly-cu",
  "max-batch",
  "namespaces",
  "created-at",
];
export const TENANT_HEADER = ["id", "name", "plan-id", "status", "created-at"];
export const KEY_HEADER = [
  "id",
  "name",
  "prefix",
  "cu-per-second",
  "require-jwt",
  "revoked-at",
  "created-at",
];
