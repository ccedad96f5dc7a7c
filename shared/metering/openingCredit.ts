/**
 * @module
 * The opening credit: a tenant new to this isolate is served before its object has answered, so a
 * cold isolate's first calls do not wait for it. What is spent on credit is owed, and the next
 * request for a lease carries it (`owed`): the object charges it to the buckets and the month
 * whatever it answers (lease.ts, grant).
 *
 * Bounds, per tenant and isolate: credit is given only until the first request for a lease for any
 * of the tenant's keys has come back, answered or not (an answer says what the object thinks; no
 * answer means a closed plan must refuse); until then the calls admitted on it cost at most one lease
 * of the tenant's rate (`openingCredit` of its plan: no more than the burst or
 * OPENING_CREDIT_MAX_CU), and those of each key, or JWT subject, at most one lease of its own binding
 * rate. A tenant gets one credit per isolate: a second only once MAX_CREDIT_TENANTS other tenants
 * have come to the isolate after it (the map below forgets the first-added).
 */
import { BoundedMap } from "../isolate/boundedMap";
import { openingCredit } from "./lease";
import { bindingLimits, type KeyLimits, tenantLimits } from "./limits";

/** Tenants whose opening credit this isolate remembers. */
export const MAX_CREDIT_TENANTS = 10_000;

/** A tenant's credit in this isolate: CU left, and whether it is still given. */
interface TenantCredit {
  left: number;
  open: boolean;
}

/** The side of a key (or JWT subject) meter: its own share left, and the CU it owes. */
export interface CreditHolder {
  /** Undefined until it first asks for credit: then one lease of its binding rate. */
  credit: number | undefined;
  owed: number;
}

export class OpeningCredits {
  /** Bound: `maxTenants`, the first-added goes; lifetime: the isolate's. */
  readonly #tenants: BoundedMap<string, TenantCredit>;

  constructor(maxTenants = MAX_CREDIT_TENANTS) {
    this.#tenants = new BoundedMap(maxTenants);
  }

  /**
   * Admits `cost` on credit when the tenant's credit is still given and both what is left of it and
   * of the holder's own share cover it; the holder then owes the CU.
   */
  take(
    tenantId: string,
    holder: CreditHolder,
    limits: KeyLimits,
    cost: number,
    leaseSeconds: number,
  ): boolean {
    const tenant = this.#of(tenantId, () => openingCredit(tenantLimits(limits), leaseSeconds));
    if (!tenant.open) return false;
    holder.credit ??= openingCredit(bindingLimits(limits), leaseSeconds);
    if (cost > tenant.left || cost > holder.credit) return false;
    tenant.left -= cost;
    holder.credit -= cost;
    holder.owed += cost;
    return true;
  }

  /** A request for a lease for one of the tenant's keys came back (answered or not): no more credit. */
  end(tenantId: string): void {
    this.#of(tenantId, () => 0).open = false;
  }

  #of(tenantId: string, credit: () => number): TenantCredit {
    let tenant = this.#tenants.get(tenantId);
    if (!tenant) {
      tenant = { left: credit(), open: true };
      this.#tenants.set(tenantId, tenant);
    }
    return tenant;
  }
}
