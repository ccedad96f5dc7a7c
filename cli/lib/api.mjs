// The admin API over HTTP for the CLI: where the gateway is, which token to send, and its failures
// as errors that carry the exit code (1: the API refused, 3: no answer or a 5xx).
import { UsageError } from "./args.mjs";
import { adminToken } from "./token.mjs";

export const DEFAULT_URL = "http://127.0.0.1:8787";
const TIMEOUT_MS = 30_000;

/** The gateway answered 4xx (exit 1) or 5xx (exit 3). */
export class ApiError extends Error {
  /** @param {number} status @param {string} message @param {Record<string, string> | undefined} fields */
  constructor(status, message, fields) {
    super(message);
    this.status = status;
    this.fields = fields;
    this.exitCode = status >= 500 ? 3 : 1;
  }
}

/** No answer from the gateway (exit 3). */
export class UnreachableError extends Error {
  exitCode = 3;
}

/**
 * The gateway's URL and a token: `--url` / RPCGW_URL, `--token` / RPCGW_TOKEN, else a token minted
 * with `--secret` / ADMIN_JWT_SECRET.
 * @param {Record<string, unknown>} flags
 * @param {Record<string, string | undefined>} env
 */
export async function connection(flags, env) {
  const url = String(flags.url ?? env.RPCGW_URL ?? DEFAULT_URL).replace(/\/+$/, "");
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new UsageError("--url (or RPCGW_URL) must be an http(s) URL");
  const given = flags.token ?? env.RPCGW_TOKEN;
  if (given) return { url, token: String(given) };
  const secret = flags.secret ?? env.ADMIN_JWT_SECRET;
  if (!secret)
    throw new UsageError(
      "no admin token: give --token or RPCGW_TOKEN, or --secret or ADMIN_JWT_SECRET to mint one",
    );
  return { url, token: await adminToken(String(secret), { sub: "rpcgw-cli" }) };
}

/**
 * `api(method, path, body?)` resolves with the JSON answer (null for 204).
 * @param {{ url: string, token: string }} connection
 */
export function adminClient({ url, token }) {
  return async (method, path, body) => {
    let res;
    try {
      res = await fetch(`${url}/admin/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new UnreachableError(`cannot reach the gateway at ${withoutCredentials(url)}: ${reason(err)}`);
    }
    const text = await res.text();
    const json = text === "" ? null : parseJson(text);
    if (res.ok && json === undefined) {
      throw new UnreachableError(
        `${withoutCredentials(url)} answered ${res.status} without JSON: is it the gateway?`,
      );
    }
    if (res.ok) return json;
    const error = json?.error;
    const message =
      typeof error?.message === "string" ? error.message : `HTTP ${res.status} ${text.slice(0, 200)}`.trim();
    throw new ApiError(res.status, message, error?.data?.fields);
  };
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Why a fetch failed, without the request (which holds the token). */
function reason(err) {
  if (err?.name === "TimeoutError") return `no answer in ${TIMEOUT_MS / 1000} s`;
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? "fetch failed";
}

/** The URL without a user name or password. */
function withoutCredentials(url) {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.toString().replace(/\/$/, "");
}
