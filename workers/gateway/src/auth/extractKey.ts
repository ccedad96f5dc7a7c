/** Finds the API key of a request: in the path, in `x-api-key`, as `Authorization: Bearer`, or as basic auth's user. */
import { basicCredentials } from "../../../../shared/keys/keyGate";

export function extractKey(pathKey: string | undefined, headers: Headers): string | undefined {
  if (pathKey) return pathKey;
  const header = headers.get("x-api-key");
  if (header) return header.trim();
  const auth = headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  if (auth && /^basic\s+/i.test(auth)) return basicCredentials(auth)?.user || undefined;
  return undefined;
}
