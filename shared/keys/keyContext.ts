/** What an API key grants: its tenant, plan and limits, as resolveKey.ts returns and the key caches hold it. */
import type { JwkAlg } from "../crypto/publicJwk";
import type { KeyLimits } from "../metering/limits";
import type { KeyRules } from "./keyRules";

export interface KeyContext {
  keyId: string;
  tenantId: string;
  planId: string;
  maxBatch: number;
  /** Widest eth_getLogs block range one call may ask for. */
  logsMaxBlockRange: number;
  namespaces: string[];
  limits: KeyLimits;
  /** The plan's WebSocket limits. */
  ws: {
    maxConnections: number;
    maxSubscriptions: number;
    maxMessageBytes: number;
    /** Wildcard subscriptions (no address, or every pending transaction) over all the tenant's sockets. */
    maxWildcardSubscriptions: number;
  };
  /** Filters the tenant may hold at once. */
  maxFilters: number;
  /** A transaction touching a sanctioned address: refused, or sent on and recorded. */
  screening: "block" | "flag";
  /** Send methods the gateway cannot decode that this plan may use unscreened. */
  unscreenedSends: string[];
  /**
   * The key's allowlists, only those set; absent when the key has none, so an unrestricted key's
   * request checks nothing.
   */
  rules?: KeyRules;
  /** SHA-256 (hex) of the key's secret, when it has one: a request presenting the secret skips `rules`. */
  secretHash?: string;
  /**
   * Tenant-signed JWTs: whether this key needs one (its own or its plan's requireJwt), and the
   * tenant's active keys that verify them. Absent when neither applies.
   */
  jwt?: KeyJwt;
}

/** A tenant's public key for the JWTs it signs, pinned to one algorithm. */
export interface JwtKey {
  /** Its row: a key deleted and registered again under the same kid is another key. */
  id: string;
  kid: string;
  alg: JwkAlg;
  jwk: Record<string, string>;
}

export interface KeyJwt {
  required: boolean;
  keys: JwtKey[];
}
