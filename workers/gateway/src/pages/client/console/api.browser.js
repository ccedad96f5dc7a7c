/**
 * @module
 * The console's only way to the gateway: the admin API, with the token this tab signed in with
 * (sessionStorage: gone when the tab closes, never in a cookie or the URL). A 401 signs the tab out.
 * Runs in the browser.
 */

const TOKEN = "rpc-gateway.admin-token";

/** @returns {string | null} */
export function savedToken() {
  return sessionStorage.getItem(TOKEN);
}

/** @param {string} token */
export function saveToken(token) {
  sessionStorage.setItem(TOKEN, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN);
}

/**
 * Calls the admin API; resolves with the JSON it answered, or throws an Error carrying the API's
 * own message (`error.message` of its JSON-RPC error object).
 * @param {string} method
 * @param {string} path under /admin/v1, e.g. "/tenants"
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${savedToken() ?? ""}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`/admin/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const message = data?.error?.message ?? `HTTP ${res.status}`;
  if (res.status === 401) {
    forgetToken();
    dispatchEvent(new CustomEvent("signed-out", { detail: message }));
  }
  throw new Error(`${method} ${path}: ${message}`);
}

/**
 * A query string of the defined values, e.g. `?from=2026-01-01`.
 * @param {Record<string, string | number | undefined>} values
 */
export function query(values) {
  const defined = Object.entries(values).filter(([, v]) => v !== undefined && v !== "");
  return defined.length === 0 ? "" : `?${new URLSearchParams(defined.map(([k, v]) => [k, String(v)]))}`;
}

/** @param {string} part a path segment (ids, slugs) */
export function seg(part) {
  return encodeURIComponent(part);
}
