/** What an API key grants: its tenant, plan and limits, as resolveKey.ts returns and the key caches hold it. */
import type { KeyLimits } from "../metering/limits";

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
  ws: { maxConnections: number; maxSubscriptions: number; maxMessageBytes: number };
  /** A transaction touching a sanctioned address: refused, or sent on and recorded. */
  screening: "block" | "flag";
}
