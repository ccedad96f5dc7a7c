/** A call on its way to an upstream: a client's call, or one a method's hook made in its place. */
import type { RpcCall } from "./parse";

export type ForwardedCall = RpcCall & {
  /** The one upstream it must go to: a filter lives on the node that made it. */
  readonly upstreamId?: string;
};
