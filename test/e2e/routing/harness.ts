// Routing scenarios share this harness: three fault proxies in front of the one anvil, and a fresh
// chain per test whose three upstreams are those proxies, so each test starts with clean health.
import { afterAll, beforeAll, beforeEach, expect, inject } from "vitest";
import { startFaultProxy } from "../../../scripts/lib/faultProxy.mjs";

export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;

export interface Stats {
  requests: number;
  calls: number;
  methods: Record<string, number>;
  /** Calls by method and params, e.g. `eth_getBlockByNumber["0x10",false]`. */
  exact: Record<string, number>;
  /** WebSockets passed through: accepted in all, open now. */
  ws: { connections: number; open: number };
}

export interface RoutedChain {
  slug: string;
  url: string;
  /** Upstream ids, in the order of the proxies. */
  ids: string[];
}

export interface RpcResult {
  status: number;
  body: {
    id?: unknown;
    result?: unknown;
    error?: { code: number; message: string; data?: { code: string } };
  };
  text: string;
  upstreamId: string | null;
  /** x-cache: HIT, MISS or BYPASS per call. */
  cache: string | null;
  attempts: number;
}

export async function startProxies(count = 3): Promise<FaultProxy[]> {
  return Promise.all(Array.from({ length: count }, () => startFaultProxy({ target: inject("anvilUrl") })));
}

/** Fault proxies for the tests of one file: started before them, reset before each, stopped after. */
export function useProxies(count = 3): FaultProxy[] {
  const proxies: FaultProxy[] = [];
  beforeAll(async () => {
    proxies.push(...(await startProxies(count)));
  });
  afterAll(() => Promise.all(proxies.map((p) => p.stop())));
  beforeEach(() => resetProxies(proxies));
  return proxies;
}

export async function setFault(proxy: FaultProxy, fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${proxy.controlUrl}/fault`, { method: "POST", body: JSON.stringify(fault) });
  expect(res.status).toBe(200);
}

export async function resetProxies(proxies: FaultProxy[]): Promise<void> {
  for (const proxy of proxies) {
    await setFault(proxy, { mode: "ok" });
    await fetch(`${proxy.controlUrl}/reset`, { method: "POST" });
  }
}

export async function statsOf(proxy: FaultProxy): Promise<Stats> {
  return (await fetch(`${proxy.controlUrl}/stats`)).json() as Promise<Stats>;
}

/** Calls of `method` each proxy received. */
export async function callsOf(proxies: FaultProxy[], method: string): Promise<number[]> {
  return Promise.all(proxies.map(async (p) => (await statsOf(p)).methods[method] ?? 0));
}

export async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject("gatewayUrl")}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

let chains = 0;

/** A new chain whose upstreams are the proxies, in order. */
export async function routedChain(
  proxies: FaultProxy[],
  /** Chain settings, as POST /admin/v1/chains takes them (budgetMs, blockTimeMs...). */
  settings: Record<string, number> = {},
  /** Fields every upstream gets, as POST /admin/v1/chains/:slug/upstreams takes them (capabilities...). */
  upstream: Record<string, unknown> = {},
): Promise<RoutedChain> {
  const slug = `routing-${process.pid}-${Date.now().toString(36)}-${chains++}`;
  await admin("POST", "/chains", { slug, chainId: 31337, name: "Routing test", ...settings });
  const ids: string[] = [];
  for (const [i, proxy] of proxies.entries()) {
    ids.push(
      (
        await admin<{ id: string }>("POST", `/chains/${slug}/upstreams`, {
          name: `proxy-${i}`,
          url: proxy.url,
          ...upstream,
        })
      ).id,
    );
  }
  const key = new URL(inject("rpcUrl")).pathname.split("/").at(-1);
  return { slug, url: `${inject("gatewayUrl")}/v1/${slug}/${key}`, ids };
}

/** The chain as a new tenant of its own (on a plan of its own) calls it. */
export async function asNewTenant(chain: RoutedChain, who: string): Promise<RoutedChain> {
  const name = `routing-${who}-${Date.now()}-${Math.random()}`;
  const { id: planId } = await admin<{ id: string }>("POST", "/plans", {
    name,
    cuPerSecond: 10_000,
    burstCu: 20_000,
  });
  const { id: tenantId } = await admin<{ id: string }>("POST", "/tenants", { name, planId });
  const { key } = await admin<{ key: string }>("POST", `/tenants/${tenantId}/keys`, { name });
  return { ...chain, url: chain.url.replace(/[^/]+$/, key) };
}

let nextId = 1;

export async function rpc(chain: RoutedChain, method: string, params: unknown[] = []): Promise<RpcResult> {
  return post(chain, JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }));
}

export async function post(
  chain: RoutedChain,
  body: string,
  headers: Record<string, string> = {},
): Promise<RpcResult> {
  const res = await fetch(chain.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: JSON.parse(text),
    text,
    upstreamId: res.headers.get("x-upstream-id"),
    cache: res.headers.get("x-cache"),
    // NaN when the header is missing, so a test expecting a count fails.
    attempts: Number(res.headers.get("x-upstream-attempts") ?? Number.NaN),
  };
}

/** The proxy index that served a call. */
export function served(chain: RoutedChain, result: RpcResult): number {
  return chain.ids.indexOf(result.upstreamId ?? "");
}

/** A balance read nobody asked before. */
export function freshBalance(chain: RoutedChain): Promise<RpcResult> {
  const address = `0x${crypto.getRandomValues(new Uint8Array(20)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "")}`;
  return rpc(chain, "eth_getBalance", [address, "latest"]);
}

/** Sends calls one after another, as a client in a loop would. */
export async function inSequence(n: number, send: () => Promise<RpcResult>): Promise<RpcResult[]> {
  const results: RpcResult[] = [];
  for (let i = 0; i < n; i++) results.push(await send());
  return results;
}

/** Calls a node directly (not through the gateway); throws its JSON-RPC error. */
export async function callNode(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

export async function anvil(method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(inject("anvilUrl"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

export interface HealthReport {
  chain: string;
  head: number | null;
  upstreams: {
    id: string;
    state: string;
    score: number;
    head: number | null;
    lag: number | null;
    circuit: string;
  }[];
}

export async function healthOf(chain: RoutedChain): Promise<HealthReport> {
  const res = await fetch(`${chain.url}/health`);
  expect(res.status).toBe(200);
  return (await res.json()) as HealthReport;
}

/** Waits until the gateway has checked every upstream (probes run in the background). */
export async function untilStates(
  chain: RoutedChain,
  states: string[],
  timeoutMs = 5_000,
): Promise<HealthReport> {
  const started = Date.now();
  for (;;) {
    const report = await healthOf(chain);
    if (report.upstreams.every((u, i) => u.state === states[i])) return report;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`upstream states ${report.upstreams.map((u) => u.state)} never became ${states}`);
    }
    await sleep(20);
  }
}

/** A fresh chain where upstream 0 is measurably fastest, so it is tried first; counters zeroed. */
export async function preferZero(proxies: FaultProxy[]): Promise<RoutedChain> {
  const chain = await routedChain(proxies);
  for (const proxy of proxies.slice(1)) await setFault(proxy, { mode: "latency", ms: 100 });
  await untilStates(chain, ["healthy", "healthy", "healthy"]);
  await inSequence(4, () => freshBalance(chain));
  expect(served(chain, await freshBalance(chain))).toBe(0);
  await resetProxies(proxies);
  return chain;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
