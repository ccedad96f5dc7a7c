/**
 * @module
 * What a method's hooks look like. The request path runs them (shared/methods/index.ts holds the
 * table): `answer` instead of forwarding, `before` and `after` around forwarding, `afterAttempt`
 * on each upstream attempt.
 */
import type { CallResult } from "../cache/callCache";
import type { ChainConfig, Upstream } from "../config/chains";
import type { GatewayError } from "../errors/base";
import type { ForwardedCall } from "../jsonrpc/forwarded";
import type { RpcCall } from "../jsonrpc/parse";
import type { KeyContext } from "../keys/resolveKey";
import type { HoldParameters, ReleaseParameters } from "../metering/meterProtocol";
import type { SendCall } from "../upstream/batchSender";
import type { CallOutcome } from "../upstream/sendCalls";

/** What the gateway answers for a call it does not forward: the raw JSON result, or the error. */
export type HereAnswer = { resultRaw: string } | { error: GatewayError };

/** A WebSocket's subscriptions, which answer eth_subscribe and eth_unsubscribe on that socket. */
export interface Subscriptions {
  subscribe(call: RpcCall): Promise<HereAnswer>;
  unsubscribe(call: RpcCall): Promise<HereAnswer>;
}

export interface HereContext {
  /** The socket's subscriptions; undefined over HTTP. */
  subscriptions: Subscriptions | undefined;
}

/** What the tenant holds at once (filters), counted by its meter object against the plan's caps. */
export interface Holds {
  hold(p: HoldParameters): Promise<boolean>;
  release(p: ReleaseParameters): Promise<void>;
}

/** What the hooks around forwarding know of the request. */
export interface ForwardContext {
  chain: ChainConfig;
  key: KeyContext;
  /** The deployment's secret for ids the gateway hands out (filter ids): UPSTREAM_KEY. */
  secret: string;
  /** The tenant's meter object (made on first use: most calls hold nothing). */
  holds: () => Holds;
  /** Work that finishes after the answer is sent. */
  waitUntil: (p: Promise<unknown>) => void;
}

/** Before forwarding: the calls to send in the call's place, or why it is refused. */
export type ForwardPlan = { calls: ForwardedCall[] } | { error: GatewayError };

/** Where an upstream's answer to one attempt came from. */
export interface AttemptContext {
  chain: ChainConfig;
  upstream: Upstream;
  /** Attempts made for this call before this one (a transaction may already have reached a node). */
  earlierAttempts: number;
  send: SendCall;
  /** Time left for any further call this hook makes; it may be 0 or less. */
  timeoutMs: number;
}

/** Rewrites what an upstream answered to one attempt of a call. */
export type OutcomeHook = (
  call: RpcCall,
  outcome: CallOutcome,
  attempt: AttemptContext,
) => CallOutcome | Promise<CallOutcome>;

export interface MethodHooks {
  /** How many upstream calls it makes (eth_getLogs' chunks): its CU is charged once per call. */
  units?(call: RpcCall, context: ForwardContext): number;
  /** Answers the call in the gateway: it is never forwarded. */
  answer?(call: RpcCall, context: HereContext): Promise<HereAnswer>;
  /** Runs before forwarding: the calls to send instead (several, or none when refused). */
  before?(call: RpcCall, context: ForwardContext): ForwardPlan;
  /** Runs on what each upstream attempt answered. */
  afterAttempt?: OutcomeHook;
  /** Runs after forwarding: the call's one result from the results of the calls sent in its place. */
  after?(parts: CallResult[], context: ForwardContext, call: RpcCall): CallResult | Promise<CallResult>;
}
