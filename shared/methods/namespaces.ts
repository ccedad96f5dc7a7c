/**
 * @module
 * Which methods a key may call. A method name is 1 to 64 letters, digits and underscores; a known
 * method is spelled exactly as the gateway spells it (nodes that fold case would serve
 * `ETH_GETLOGS` while metering, caching, range rules and screening match exact names). Methods that
 * use the node's own accounts or control the node are never served; debug, trace and txpool are
 * allowlists of methods, served only when the key's plan enables the namespace. Pure.
 */
import type { GatewayError } from "../errors/base";
import { MethodNotAllowedError, MethodNotFoundError } from "../errors/kinds";
import { knownCostMethods } from "../metering/computeUnits";

/** Namespaces a plan may opt into. */
export const PLAN_NAMESPACES = ["debug", "trace", "txpool"] as const;
export type PlanNamespace = (typeof PLAN_NAMESPACES)[number];

/** What each plan namespace serves: reads and traces only, never what changes or profiles the node. */
export const PLAN_METHODS: Readonly<Record<PlanNamespace, readonly string[]>> = {
  debug: [
    "debug_traceTransaction",
    "debug_traceCall",
    "debug_traceBlockByNumber",
    "debug_traceBlockByHash",
    "debug_getRawBlock",
    "debug_getRawHeader",
    "debug_getRawReceipts",
    "debug_getRawTransaction",
  ],
  trace: [
    "trace_block",
    "trace_call",
    "trace_callMany",
    "trace_filter",
    "trace_get",
    "trace_rawTransaction",
    "trace_replayBlockTransactions",
    "trace_replayTransaction",
    "trace_transaction",
  ],
  txpool: ["txpool_content", "txpool_contentFrom", "txpool_inspect", "txpool_status"],
};

/** Methods that sign with, or send from, the node's own accounts. */
const NODE_ACCOUNT_METHODS = new Set([
  "eth_sendTransaction",
  "eth_sign",
  "eth_signTransaction",
  "eth_signTypedData",
  "eth_signTypedData_v1",
  "eth_signTypedData_v3",
  "eth_signTypedData_v4",
]);

/** Namespaces that administer the node, its accounts, consensus or a dev chain. */
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
  "perm",
  "qbft",
  "ibft",
  "parity",
  "plugins",
]);
const PLAN_GATED = new Set<string>(PLAN_NAMESPACES);
const ALLOWED = new Map(PLAN_NAMESPACES.map((n) => [n as string, new Set(PLAN_METHODS[n])]));
const NAME = /^[A-Za-z0-9_]{1,64}$/;
/** Known methods by their lower-case spelling. */
const CANONICAL = new Map(
  [...knownCostMethods(), ...Object.values(PLAN_METHODS).flat(), ...NODE_ACCOUNT_METHODS].map((m) => [
    m.toLowerCase(),
    m,
  ]),
);

/** The error for a method the key may not call, or undefined when it may. */
export function checkMethodAllowed(method: string, allowed: readonly string[]): GatewayError | undefined {
  if (method.startsWith("rpc.")) {
    return new MethodNotFoundError(
      `method ${method.slice(0, 64)} does not exist: names starting with "rpc." are reserved`,
    );
  }
  if (!NAME.test(method)) {
    return new MethodNotFoundError(
      `method name ${JSON.stringify(method.slice(0, 64))} is not valid: a method name is 1 to 64 letters, digits and underscores`,
    );
  }
  // Lower-cased: some node clients match method names without regard to case.
  const namespace = method.slice(0, Math.max(0, method.indexOf("_"))).toLowerCase();
  if (NEVER_SERVED.has(namespace)) {
    return new MethodNotAllowedError(
      `method ${method} is not served: the ${namespace}_ namespace controls the node itself`,
    );
  }
  const canonical = CANONICAL.get(method.toLowerCase());
  if (canonical !== undefined && canonical !== method) {
    return new MethodNotFoundError(
      `method ${method} does not exist: method names are case-sensitive; use ${canonical}`,
    );
  }
  if (NODE_ACCOUNT_METHODS.has(method)) {
    return new MethodNotAllowedError(
      `method ${method} is not served: it would use the node's own accounts; sign the transaction locally and send it with eth_sendRawTransaction`,
    );
  }
  return PLAN_GATED.has(namespace) ? checkPlanMethod(method, namespace, allowed) : undefined;
}

function checkPlanMethod(method: string, namespace: string, allowed: readonly string[]) {
  if (!allowed.includes(namespace)) {
    return new MethodNotAllowedError(
      `method ${method} is not allowed: the ${namespace}_ namespace is not enabled for this key's plan`,
    );
  }
  if (ALLOWED.get(namespace)?.has(method)) return undefined;
  const served = PLAN_METHODS[namespace as PlanNamespace].join(", ");
  return new MethodNotAllowedError(`method ${method} is not served: of ${namespace}_, only ${served} are`);
}
