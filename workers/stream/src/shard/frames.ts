/**
 * @module
 * Answers one client frame through the same request path as HTTP (shared/pipeline/runPipeline.ts):
 * the key the socket opened with, the plan's frame size, the chain it is on; eth_subscribe and
 * eth_unsubscribe are answered by the shard's own subscriptions, eth_subscribe under the stricter
 * caps of the key as resolved for this frame (cached up to 60 s) and of the socket (read from D1 by
 * the key check every 30 s), so a lowered cap applies as soon as either has seen it.
 */
import { ALL_CACHE } from "../../../../shared/cache/callCache";
import { resolveChain } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import {
  ChainNotFoundError,
  InvalidRequestError,
  StreamLimitError,
  toGatewayError,
} from "../../../../shared/errors/kinds";
import type { RpcCall } from "../../../../shared/jsonrpc/parse";
import { utf8Exceeds, utf8Length } from "../../../../shared/jsonrpc/utf8Length";
import { tokenLimits } from "../../../../shared/keys/jwtPolicy";
import { type CurrentKey, type KeyContext, resolveKeyHash } from "../../../../shared/keys/resolveKey";
import type { HereAnswer } from "../../../../shared/methods/hooks";
import { responseOf } from "../../../../shared/pipeline/answers";
import { runPipeline } from "../../../../shared/pipeline/runPipeline";
import type { Connection } from "../../../../shared/stream/connection";
import { socketRules } from "../../../../shared/stream/socketRules";

/** The caps an eth_subscribe applies. */
export type SubscriptionCaps = Pick<Connection, "maxSubscriptions" | "maxWildcardSubscriptions">;

/** The shard's answers to the calls it handles itself, for the socket the frame came on. */
export interface SubscriptionCalls {
  /** Subscribes under `caps`: subscriptionCaps of the socket and of the frame's key. */
  subscribe(call: RpcCall, caps: SubscriptionCaps): Promise<{ resultRaw: string }>;
  unsubscribe(call: RpcCall): Promise<{ resultRaw: string }>;
}

/**
 * The response to one frame from `conn` (undefined when it holds only notifications). Throws a
 * gateway error when the frame as a whole is refused: binary, over the plan's size, a key no longer
 * valid, a chain no longer served, or not JSON-RPC.
 */
export async function answerFrame(
  env: Env,
  conn: Connection,
  message: string | ArrayBuffer,
  subscriptions: SubscriptionCalls,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<string | undefined> {
  if (typeof message !== "string") {
    throw new InvalidRequestError("binary frames are not read: send each JSON-RPC request as a text frame");
  }
  if (utf8Exceeds(message, conn.maxMessageBytes)) {
    throw new StreamLimitError(
      `frame of ${utf8Length(message)} bytes exceeds this plan's limit of ${conn.maxMessageBytes}: split the batch`,
    );
  }
  let key: KeyContext | undefined;
  const result = await runPipeline({
    env,
    authenticate: async () => {
      key = await resolveKeyHash(env, conn.keyHash, waitUntil);
      const chain = await resolveChain(env, conn.chain, waitUntil);
      if (!chain) throw new ChainNotFoundError(`chain "${conn.chain}" is no longer served`);
      // The key's lists as they are now: a list set after the upgrade applies to this frame.
      const lists = socketRules(conn, key);
      if ("refusal" in lists) throw lists.refusal;
      // The socket's JWT caps its frames as it capped the upgrade.
      const limits = conn.token ? tokenLimits(key.limits, conn.token) : key.limits;
      return { key: limits === key.limits ? key : { ...key, limits }, chain, rules: lists.rules };
    },
    read: () => message,
    cacheMode: ALL_CACHE,
    subscriptions: {
      // Calls are answered once authenticate has resolved the key.
      subscribe: (call) => subscriptions.subscribe(call, subscriptionCaps(conn, key)).catch(asError),
      unsubscribe: (call) => subscriptions.unsubscribe(call).catch(asError),
    },
    waitUntil,
  });
  if (!result.ok) throw result.error;
  return responseOf(result.single, result.answers);
}

/**
 * The stricter of each cap of the socket (its key as the key check last read it from D1) and of the
 * key as this frame resolved it (from a cache): whichever saw a lowered cap first applies it.
 */
export function subscriptionCaps(conn: SubscriptionCaps, key: CurrentKey | undefined): SubscriptionCaps {
  const ws = key?.ws ?? conn;
  return {
    maxSubscriptions: Math.min(conn.maxSubscriptions, ws.maxSubscriptions),
    maxWildcardSubscriptions: Math.min(conn.maxWildcardSubscriptions, ws.maxWildcardSubscriptions),
  };
}

function asError(err: unknown): HereAnswer {
  return { error: toGatewayError(err) };
}
