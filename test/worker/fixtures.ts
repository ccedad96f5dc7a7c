// Helpers for tests that call the gateway Worker inside workerd, with real D1, KV and anvil.
import { createScheduledController } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { holdSanctions } from "../../shared/screening/sanctionsSet";
import worker from "../../workers/gateway/src/index";
import { checkAnswer } from "./openapiCheck";

export const BASE = "http://gateway.test";

/** A JSON-RPC call straight to a test anvil (the shared one by default), bypassing the gateway; throws on an error answer. */
export async function anvil<T = string>(
  method: string,
  params: unknown[] = [],
  node = env.TEST_ANVIL_URL,
): Promise<T> {
  const res = await fetch(node, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result: T; error?: unknown };
  if (body.error) throw new Error(`anvil ${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/** Sends a transaction from anvil's first account and waits for it; the created contract's address, if any. */
export async function transact(
  tx: Record<string, string>,
  node = env.TEST_ANVIL_URL,
): Promise<string | undefined> {
  const [from] = await anvil<string[]>("eth_accounts", [], node);
  const hash = await anvil<string>("eth_sendTransaction", [{ from, ...tx }], node);
  for (;;) {
    const receipt = await anvil<{ contractAddress?: string } | null>(
      "eth_getTransactionReceipt",
      [hash],
      node,
    );
    if (receipt) return receipt.contractAddress ?? undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Storage lasts for a whole test file: a test that needs "no sanctions data yet" starts from it.
 * Removes every snapshot, the published set (KV and this isolate's copy) and the sources tests
 * added, and disables the shipped remote list (no internet here).
 */
export async function resetSanctions(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM sanctions_snapshots"),
    // The shipped sources (migration 0007) stay.
    env.DB.prepare("DELETE FROM sanction_sources WHERE name <> 'ofac-eth' AND name NOT LIKE 'chainalysis-%'"),
  ]);
  await env.CONFIG_KV.delete("sanctions:v1:current");
  holdSanctions(null);
  await admin("PATCH", "/sanction-sources/src_ofac_eth", { enabled: false });
}

/** Runs the Worker's scheduled handler as the cron trigger with this expression would. */
export async function fireCron(cron: string): Promise<void> {
  await worker.scheduled(createScheduledController({ cron }), env);
}

export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/** What adminToken() puts in a token; `null` leaves a claim out. */
export interface AdminTokenOptions {
  secret?: string;
  /** Relative to now, as jose reads it ("10m", "-5m", "2h"). */
  expiresIn?: string;
  sub?: string;
  scope?: string | null;
  issuer?: string | null;
  audience?: string | null;
}

/** An HS256 admin token the gateway accepts (the configured iss and aud, scope admin:write), unless told otherwise. */
export function adminToken(options: AdminTokenOptions = {}): Promise<string> {
  const scope = options.scope === undefined ? "admin:write" : options.scope;
  const jwt = new SignJWT(scope === null ? {} : { scope })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(options.sub ?? "test-admin")
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "10m");
  const issuer = options.issuer === undefined ? (env.ADMIN_ISSUER ?? "rpc-gateway-admin") : options.issuer;
  const audience = options.audience === undefined ? (env.ADMIN_AUDIENCE ?? "rpc-gateway") : options.audience;
  if (issuer !== null) jwt.setIssuer(issuer);
  if (audience !== null) jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(options.secret ?? env.ADMIN_JWT_SECRET));
}

/**
 * An admin API request with a full-scope token, answered as it came (any status); the answer is
 * first held to the route's OpenAPI description (./openapiCheck.ts).
 */
export async function adminRaw(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await call(`/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${await adminToken()}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.clone().text();
  let json: unknown = text;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    // Not JSON: checkAnswer says so for a route that answers JSON.
  }
  checkAnswer(method, path, res.status, json);
  return res;
}

export async function admin<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await adminRaw(method, path, body);
  const json = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

export interface Fixture {
  key: string;
  keyId: string;
  tenantId: string;
  planId: string;
  chain: string;
  upstreamId: string;
}

/** A fresh plan, tenant, key and chain (unique slug) whose one upstream is the given URL (anvil by default). */
export async function fixture(
  options: {
    upstreamUrl?: string;
    maxBatch?: number;
    namespaces?: string[];
    capabilities?: string[];
    /** The chain's id as configured (anvil's is 31337). */
    chainId?: number;
    /** An Avalanche P-Chain (created without a chain id); give its upstreamUrl, a .../ext/bc/P URL. */
    kind?: "avalanche-p";
    /** Plan fields such as cuPerSecond, burstCu, monthlyCu, onMeterDown. */
    plan?: Record<string, unknown>;
  } = {},
): Promise<Fixture> {
  const suffix = crypto.randomUUID().slice(0, 8);
  const plan = await admin<{ id: string }>("POST", "/plans", {
    name: `plan-${suffix}`,
    ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
    ...(options.namespaces ? { namespaces: options.namespaces } : {}),
    ...options.plan,
  });
  const tenant = await admin<{ id: string }>("POST", "/tenants", {
    name: `tenant-${suffix}`,
    planId: plan.id,
  });
  const key = await admin<{ id: string; key: string }>("POST", `/tenants/${tenant.id}/keys`, {
    name: "test",
  });
  const chain = `chain-${suffix}`;
  await admin(
    "POST",
    "/chains",
    options.kind
      ? { slug: chain, kind: options.kind, name: "Test P-Chain" }
      : { slug: chain, chainId: options.chainId ?? 31337, name: "Test anvil" },
  );
  const upstream = await admin<{ id: string }>("POST", `/chains/${chain}/upstreams`, {
    name: "anvil",
    url: options.upstreamUrl ?? env.TEST_ANVIL_URL,
    capabilities: options.capabilities ?? [],
  });
  return {
    key: key.key,
    keyId: key.id,
    tenantId: tenant.id,
    planId: plan.id,
    chain,
    upstreamId: upstream.id,
  };
}

/** POSTs a raw JSON-RPC body to /v1/:chain/:key. */
export function rpc(f: Fixture, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return call(`/v1/${f.chain}/${f.key}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

export interface UsageRowSeen {
  day: string;
  keyId: string;
  chain: string;
  family: string;
  requests: number;
  cu: number;
  errors: number;
}

/** Waits for the isolate's usage reports, then reads the tenant's usage as the tenant would. */
export async function usageOf(f: Fixture) {
  await new Promise((r) => setTimeout(r, 1_500));
  const res = await call("/v1/usage", { headers: { "x-api-key": f.key } });
  if (res.status !== 200) throw new Error(`GET /v1/usage answered ${res.status}: ${await res.text()}`);
  return res.json<{ totals: { requests: number; cu: number; errors: number }; rows: UsageRowSeen[] }>();
}

/** What a plan creation under `name` left behind: plan rows with that name, and the actors of audit rows naming it. */
export async function writtenUnder(name: string): Promise<{ planRows: number; auditActors: string[] }> {
  const plans = await env.DB.prepare("SELECT count(*) AS n FROM plans WHERE name = ?")
    .bind(name)
    .first<{ n: number }>();
  const audit = await env.DB.prepare("SELECT actor FROM audit_log WHERE after LIKE ?")
    .bind(`%"${name}"%`)
    .all<{ actor: string }>();
  return { planRows: plans?.n ?? 0, auditActors: audit.results.map((r) => r.actor) };
}
