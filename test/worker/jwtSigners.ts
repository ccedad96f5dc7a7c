// Tenant JWT keys for worker tests: a key pair registered through the admin API, and tokens it signs.
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { admin } from "./fixtures";

export type Alg = "ES256" | "EdDSA" | "RS256";

export interface Signer {
  kid: string;
  alg: Alg;
  /** The registered key's id (jwk_...), for PATCH and DELETE. */
  id: string;
  jwk: JWK;
  privateKey: CryptoKey;
}

/** A fresh key pair of `alg`, its public half registered for `tenantId` under `kid`. */
export async function register(
  tenantId: string,
  alg: Alg = "ES256",
  kid = `${alg}-${crypto.randomUUID().slice(0, 6)}`,
): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg };
  const { id } = await admin<{ id: string }>("POST", `/tenants/${tenantId}/jwt-keys`, { jwk });
  return { kid, alg, id, jwk, privateKey };
}

export interface TokenOptions {
  claims?: Record<string, unknown>;
  /** Seconds from now. */
  iat?: number;
  exp?: number | null;
  nbf?: number;
  header?: Record<string, unknown>;
}

/** A JWT signed by `signer`: issued now, expiring in 10 minutes, unless told otherwise. */
export function token(signer: Signer, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(options.claims ?? {})
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, ...options.header })
    .setIssuedAt(now + (options.iat ?? 0));
  if (options.exp !== null) jwt.setExpirationTime(now + (options.exp ?? 600));
  if (options.nbf !== undefined) jwt.setNotBefore(now + options.nbf);
  return jwt.sign(signer.privateKey);
}
