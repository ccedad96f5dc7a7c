/** Matches `/v1/:chain` and `/v1/:chain/:key` on a request URL without building a URL object. */

export interface RpcRoute {
  chain: string;
  key: string | undefined;
}

export function matchRpcRoute(url: string): RpcRoute | undefined {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0 || !url.startsWith("/v1/", start)) return undefined;
  const query = url.indexOf("?", start);
  const fragment = url.indexOf("#", start);
  const end = Math.min(query < 0 ? url.length : query, fragment < 0 ? url.length : fragment);
  const parts = url.slice(start + 4, end).split("/");
  const [chain, key] = parts;
  if (parts.length > 2 || !chain) return undefined;
  try {
    return { chain: decoded(chain), key: key ? decoded(key) : undefined };
  } catch {
    return undefined;
  }
}

/** Most paths have nothing escaped: no decoding then. */
const decoded = (part: string) => (part.includes("%") ? decodeURIComponent(part) : part);
