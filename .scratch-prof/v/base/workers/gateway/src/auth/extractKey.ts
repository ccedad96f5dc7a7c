/** Finds the API key of a request: in the path, in `x-api-key`, or as `Authorization: Bearer`. */

export function extractKey(pathKey: string | undefined, headers: Headers): string | undefined {
  if (pathKey) return pathKey;
  const header = headers.get("x-api-key");
  if (header) return header.trim();
  const auth = headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  return undefined;
}
