/** Matches `/v1/:chain` and `/v1/:chain/:key` on a request URL without building a URL object. */

export interface RpcRoute {
  chain: string;
  key: string | undefined;
}

export function matchRpcRoute(url: string): RpcRoute | undefined {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0 || !url.startsWith("/v1/", start)) return undefined;
  let end = url.length;
  for (const stop of ["?", "#"]) {
    const at = url.indexOf(stop, start);
    if (at >= 0 && at < end) end = at;
  }
  const parts = url.slice(start + 4, end).split("/");
  if (parts.length > 2 || !parts[0]) return undefined;
  try {
    return { chain: decodeURIComponent(parts[0]), key: parts[1] ? decodeURIComponent(parts[1]) : undefined };
  } catch {
    return undefined;
  }
}
