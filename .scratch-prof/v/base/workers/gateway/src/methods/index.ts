/**
 * @module
 * Method-specific behaviour, dispatched from one place. A method listed here is answered by the
 * gateway; every other allowed method goes to an upstream.
 */
import type { RpcCall } from "../../../../shared/jsonrpc/parse";
import { eth_accounts } from "./eth_accounts";

type LocalMethod = (call: RpcCall) => string;

const LOCAL: Record<string, LocalMethod> = { eth_accounts };

/** The raw JSON result when the gateway answers this call itself. */
export function answerLocally(call: RpcCall): string | undefined {
  return Object.hasOwn(LOCAL, call.method) ? (LOCAL[call.method] as LocalMethod)(call) : undefined;
}
