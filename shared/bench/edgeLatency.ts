/**
 * @module
 * The bench's edge model (bench/edge.mjs). With BENCH_EDGE_LATENCY set (never in wrangler.toml), a
 * request's KV, D1 and Durable Object bindings answer after the latency they have when deployed, and
 * the request records each binding call's start and end; its response then says, in
 * `x-bench-round-trips`, how many binding round trips ran one after another before its first
 * upstream call, and which (./roundTrips.ts). Unset, a request pays one falsy check (index.ts).
 */
import { type BindingCall, type FetchStart, roundTripsOf } from "./roundTrips";

/** Milliseconds each kind of binding call takes, as BENCH_EDGE_LATENCY gives them. */
export interface EdgeLatency {
  kv: number;
  d1: number;
  do: number;
}

/** What one request records while it runs. */
interface Recorder {
  started: number;
  calls: BindingCall[];
  fetches: FetchStart[];
}

export const ROUND_TRIPS_HEADER = "x-bench-round-trips";

/** Parsed settings by their text: parsed once per isolate. */
let parsed: { text: string; latency: EdgeLatency } | undefined;

function latencyOf(text: string): EdgeLatency {
  if (parsed?.text !== text) {
    const value = JSON.parse(text) as Partial<EdgeLatency>;
    parsed = { text, latency: { kv: value.kv ?? 0, d1: value.d1 ?? 0, do: value.do ?? 0 } };
  }
  return parsed.latency;
}

/**
 * The request whose upstream requests are being recorded. Global fetch carries no request, so this is
 * exact only while requests do not overlap, as the bench sends them (one at a time per isolate).
 */
let active: Recorder | undefined;
let fetchPatched = false;

/** Records the start of every fetch (the upstream calls and probes) against the active request. */
function patchFetch(): void {
  if (fetchPatched) return;
  fetchPatched = true;
  const original = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const body = typeof init?.body === "string" ? init.body : "";
    // Probes are the batch with eth_syncing (shared/routing/probeReading.ts); anything else is a call.
    const started: FetchStart = { at: Date.now(), probe: body.includes('"eth_syncing"') };
    active?.fetches.push(started);
    return original(input, init).finally(() => {
      started.end = Date.now();
    });
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `target[prop]` as a function called on `target`. Not `.bind`: on a Durable Object stub every
 * property, `bind` included, is a remote method.
 */
function method<R>(target: object, prop: string | symbol): (...args: unknown[]) => R {
  return (...args) => Reflect.apply(Reflect.get(target, prop) as (...a: unknown[]) => R, target, args);
}

/** A function that waits `ms`, then calls `call`, and records the whole as one round trip. */
function delayed<A extends unknown[], R>(
  recorder: Recorder,
  label: string,
  ms: number,
  call: (...args: A) => Promise<R>,
) {
  return async (...args: A): Promise<R> => {
    const start = Date.now();
    try {
      await sleep(ms);
      return await call(...args);
    } finally {
      recorder.calls.push({ label, start, end: Date.now() });
    }
  };
}

/** The KV names in a read: `key:v8:<hash>` -> `key`; a bulk read joins them with `+`. */
function kvLabel(key: unknown): string {
  const names = (Array.isArray(key) ? key : [key]).map((k) => String(k).split(":")[0]);
  return `kv:${[...new Set(names)].join("+")}`;
}

function wrapKv(kv: KVNamespace, recorder: Recorder, ms: number): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      const call = method<Promise<unknown>>(target, prop);
      return (key: unknown, ...rest: unknown[]) =>
        delayed(
          recorder,
          `${kvLabel(key)}${prop === "get" ? "" : `.${String(prop)}`}`,
          ms,
          call,
        )(key, ...rest);
    },
  });
}

/**
 * `select ... from "api_keys" ...` -> `d1:api_keys`: the last table read from (a column's subquery
 * comes before the statement's own FROM), or the one written.
 */
function d1Label(sql: string): string {
  const tables = [...sql.matchAll(/\b(?:from|into|update)\s+["`]?(\w+)/gi)].map((m) => m[1]);
  return `d1:${tables.at(-1) ?? sql.slice(0, 20)}`;
}

const IO_METHODS = new Set(["first", "all", "raw", "run"]);

function wrapD1(db: D1Database, recorder: Recorder, ms: number): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const statement = (s: D1PreparedStatement, label: string): D1PreparedStatement => {
    const proxy: D1PreparedStatement = new Proxy(s, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        const fn = method<unknown>(target, prop);
        if (prop === "bind")
          return (...args: unknown[]) => statement(fn(...args) as D1PreparedStatement, label);
        return IO_METHODS.has(String(prop)) ? delayed(recorder, label, ms, fn as () => Promise<unknown>) : fn;
      },
    });
    real.set(proxy, s);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      const fn = method<unknown>(target, prop);
      if (prop === "prepare") return (sql: string) => statement(fn(sql) as D1PreparedStatement, d1Label(sql));
      if (prop === "batch") {
        const batch = (list: D1PreparedStatement[]) =>
          fn(list.map((s) => real.get(s) ?? s)) as Promise<unknown>;
        return delayed(recorder, "d1:batch", ms, batch);
      }
      return prop === "exec" ? delayed(recorder, "d1:exec", ms, fn as () => Promise<unknown>) : fn;
    },
  });
}

/** A Durable Object stub whose every method call is delayed and recorded as `do:<binding>.<method>`. */
function wrapStub<S extends object>(stub: S, name: string, recorder: Recorder, ms: number): S {
  return new Proxy(stub, {
    get(target, prop) {
      // Not a thenable: awaiting the stub must not call the object.
      if (prop === "then" || typeof prop === "symbol") return undefined;
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      const fn = method<Promise<unknown>>(target, prop);
      return delayed(recorder, `do:${name}.${prop}`, ms, fn);
    },
  });
}

function wrapNamespace<N extends object>(ns: N, name: string, recorder: Recorder, ms: number): N {
  return new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      const fn = method<unknown>(target, prop);
      if (prop !== "get" && prop !== "getByName") return fn;
      return (...args: unknown[]) => wrapStub(fn(...args) as object, name, recorder, ms);
    },
  });
}

/** The request's bindings, each KV, D1 and Durable Object namespace wrapped (found by their methods). */
function wrapEnv<E extends object>(env: E, recorder: Recorder, latency: EdgeLatency): E {
  const wrapped = Object.create(env) as Record<string, unknown>;
  // Inherited ones too: a caller may hand an env laid over another (Object.create).
  for (const name in env) {
    const value = (env as Record<string, unknown>)[name];
    if (typeof value !== "object" || value === null) continue;
    const has = (method: string) => typeof (value as Record<string, unknown>)[method] === "function";
    if (has("getWithMetadata")) wrapped[name] = wrapKv(value as KVNamespace, recorder, latency.kv);
    else if (has("prepare") && has("batch"))
      wrapped[name] = wrapD1(value as D1Database, recorder, latency.d1);
    else if (has("idFromName")) wrapped[name] = wrapNamespace(value, name, recorder, latency.do);
  }
  return wrapped as E;
}

/**
 * Serves `request` with the edge model's bindings and adds `x-bench-round-trips` to its response:
 * the count, then the binding calls of the longest chain (`2 kv:key+chain+health,do:METER.acquire`).
 */
export async function serveWithEdgeLatency<E extends object>(
  settings: string,
  env: E,
  serve: (env: E) => Response | Promise<Response>,
): Promise<Response> {
  patchFetch();
  const recorder: Recorder = { started: Date.now(), calls: [], fetches: [] };
  active = recorder;
  try {
    const response = await serve(wrapEnv(env, recorder, latencyOf(settings)));
    // A WebSocket upgrade's response cannot be copied; the bench measures HTTP calls only.
    if (response.status === 101) return response;
    const { count, labels } = roundTripsOf(recorder.calls, recorder.fetches);
    const headers = new Headers(response.headers);
    headers.set(ROUND_TRIPS_HEADER, `${count} ${labels.join(",")}`.trim());
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  } finally {
    if (active === recorder) active = undefined;
  }
}
