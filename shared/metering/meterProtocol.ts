/**
 * @module
 * What the tenant's meter object (workers/gateway/src/meter/tenantMeter.ts) answers over native RPC:
 * the interface the isolates call it through, so callers never import the class.
 */
import type { CodeCount, ErrorCount } from "./keyErrors";
import type { LimitKind } from "./lease";
import type { KeyLimits } from "./limits";
import type { Bucket } from "./tokenBucket";
import type { UsageRow } from "./usage";

export interface AcquireParameters {
  tenantId: string;
  keyId: string;
  limits: KeyLimits;
  /** CU wanted, and the least that is any use. */
  want: number;
  need: number;
  /** Unspent CU of the isolate's lease, given back. */
  returned: number;
  /**
   * CU the isolate admitted on its opening credit (shared/metering/openingCredit.ts), not charged
   * yet: the object takes them out of the buckets and the month before it grants or refuses.
   */
  owed?: number;
}

export interface AcquireReturnType {
  granted: number;
  /** The binding bucket after the grant (the key's when capped), for rate-limit headers. */
  bucket: Bucket;
  /** When refused: when to come back, and which limit refused. */
  retryAt?: number;
  by?: LimitKind;
}

export interface ReportParameters {
  tenantId: string;
  /** The reporting isolate, and the number of this report from it: a report is applied once. */
  reporter: string;
  seq: number;
  rows: UsageRow[];
  /** Calls answered with an error, by day, key and JSON-RPC code: applied with the rows, once. */
  errors?: ErrorCount[];
}

/** Things a tenant holds at once, each capped by its plan. */
export type HoldKind = "socket" | "wildcard" | "filter";

export interface HoldParameters {
  kind: HoldKind;
  id: string;
  /** Who took it (a socket's id), so that all its holds go when it does. */
  owner?: string;
  /** The plan's cap for this kind. */
  max: number;
  /** When the hold stops counting unless taken again. */
  ttlMs: number;
}

/** A hold, named by its kind and id. */
export interface HoldRef {
  kind: HoldKind;
  id: string;
}

export interface RenewParameters {
  holds: HoldRef[];
  /** How long each renewed hold counts from now. */
  ttlMs: number;
}

export interface ReleaseParameters {
  kind: HoldKind;
  ids?: string[];
  /** Releases every hold this owner took, of any kind. */
  owner?: string;
}

/** One Durable Object per tenant: its token buckets, month's quota, usage and what it holds open. */
export interface TenantMeterApi extends Rpc.DurableObjectBranded {
  /** Grants a lease out of the tenant's bucket (and the key's, when capped) and month, or refuses. */
  acquire(p: AcquireParameters): AcquireReturnType;
  /** Adds an isolate's usage report, once. */
  report(p: ReportParameters): Promise<void>;
  /** Writes usage not yet in D1 there; returns how many rows it wrote. */
  flush(): Promise<number>;
  /**
   * The key's calls answered with an error on `sinceDay` (YYYY-MM-DD, UTC) and after, by code: most
   * first, then by code; at most 50 codes. Kept 8 days.
   */
  keyErrors(keyId: string, sinceDay: string): CodeCount[];
  /** Counts one thing the tenant holds, unless it holds `max` of that kind already; renews a hold. */
  hold(p: HoldParameters): boolean;
  /** Holds or renews each of `holds` as `hold` would, in one call; returns the ids it refused. */
  holdAll(holds: HoldParameters[]): string[];
  /**
   * Renews each of `holds` that still counts, and never takes one: returns those it did not find
   * (released, or expired), which the caller no longer holds.
   */
  renewAll(p: RenewParameters): HoldRef[];
  release(p: ReleaseParameters): void;
}
