/**
 * Finds the API key of a request: in the path, in `x-api-key`, as `Authorization: Bearer`, or as
 * basic auth's user. A Bearer value in a JWT's three-part form is a tenant JWT, not a key: the key
 * then comes from the path or `x-api-key`.
 */
import { bearerJwt } from "../../../../shared/keys/jwtPolicy";
import { basicCredentials } from "../../../../shared/keys/keyGate";

export function extractKey(pathKey: string | undefined, headers: Headers): string | undefined {
  if (pathKey) return pathKey;
  const header = headers.get("x-api-key");
  if (header) return header.trim();
  const auth = headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth) && bearerJwt(headers) === null)
    return auth.replace(/^bearer\s+/i, "").trim();
  if (auth && /^basic\s+/i.test(auth)) return basicCredentials(auth)?.user || undefined;
  return undefined;
}
