/**
 * @module
 * Which method namespaces a key may call. Node administration and dev-node control are never
 * served; debug, trace and txpool only when the key's plan allows them.
 */
import type { GatewayError } from "../errors/base";
import { MethodNotAllowedError, MethodNotFoundError } from "../errors/kinds";

/** Namespaces a plan may opt into. */
export const PLAN_NAMESPACES = ["debug", "trace", "txpool"] as const;
export type PlanNamespace = (typeof PLAN_NAMESPACES)[number];

const NEVER_SERVED = new Set([
  "admin",
  "personal",
  "miner",
  "engine",
  "clique",
  "les",
  "anvil",
  "evm",
  "hardhat",
  "ganache",
]);
const PLAN_GATED = new Set<string>(PLAN_NAMESPACES);

/** The error for a method the key may not call, or undefined when it may. */
export function checkMethodAllowed(method: string, allowed: readonly string[]): GatewayError | undefined {
  if (method.startsWith("rpc.")) {
    return new MethodNotFoundError(
      `method ${method} does not exist: names starting with "rpc." are reserved`,
    );
  }
  // Lower-cased: some node clients match method names without regard to case.
  const namespace = method.slice(0, Math.max(0, method.indexOf("_"))).toLowerCase();
  if (NEVER_SERVED.has(namespace)) {
    return new MethodNotAllowedError(
      `method ${method} is not served: the ${namespace}_ namespace controls the node itself`,
    );
  }
  if (PLAN_GATED.has(namespace) && !allowed.includes(namespace)) {
    return new MethodNotAllowedError(
      `method ${method} is not allowed: the ${namespace}_ namespace is not enabled for this key's plan`,
    );
  }
  return undefined;
}
