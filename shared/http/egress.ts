/**
 * @module
 * The egress guard: which URLs an admin may point the gateway at (upstreams, sanctions lists,
 * P-Chain APIs). Only named public hosts: no IP literal (loopback excepted when the deployment runs
 * local nodes), no name of a local network (`localhost`, `*.internal`, `*.local`, single labels), no
 * userinfo, and https/wss unless the deployment allows plain http. Pure: it never resolves a name,
 * so a public name that resolves to a private address (DNS rebinding) is not caught here.
 */

export interface EgressPolicy {
  /** 127.0.0.0/8, [::1] and localhost allowed (local nodes: `npm start`, the tests, the bench). */
  allowLoopback: boolean;
  /** Only https and wss; http and ws refused. */
  requireHttps: boolean;
}

/** The deployment setting `EGRESS`: "public" (production) or "loopback" (local nodes, plain http). */
export type EgressSetting = "public" | "loopback";

export function egressPolicyOf(setting: EgressSetting): EgressPolicy {
  return setting === "loopback"
    ? { allowLoopback: true, requireHttps: false }
    : { allowLoopback: false, requireHttps: true };
}

const SECURE = new Set(["https:", "wss:"]);
const PLAIN = new Set(["http:", "ws:"]);
/** Names only a local network or the machine itself answers (the cloud metadata names among them). */
const LOCAL_SUFFIXES = ["internal", "local", "localdomain", "lan", "arpa"];
/** What a WHATWG URL parser leaves of any IPv4 spelling (decimal, octal, hex, short forms). */
const IPV4 = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const LOOPBACK_ONLY = "is loopback, allowed only where the deployment sets EGRESS=loopback (local nodes)";

/** Why the gateway must not send to `url` under `policy`; undefined when it may. */
export function egressError(url: string, policy: EgressPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (!SECURE.has(parsed.protocol) && !PLAIN.has(parsed.protocol)) {
    return "must be an http(s) or ws(s) URL";
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return "must not carry a user name or password before the host: put credentials in the path or query";
  }
  const problem = hostError(parsed.hostname, policy);
  if (problem) return problem;
  if (policy.requireHttps && PLAIN.has(parsed.protocol)) {
    return "must use https (wss for a WebSocket): plain http and ws are refused in this deployment";
  }
  return undefined;
}

function hostError(hostname: string, policy: EgressPolicy): string | undefined {
  const host = hostname.replace(/\.$/, "");
  if (host.startsWith("[")) {
    if (host === "[::1]") return policy.allowLoopback ? undefined : `the host ${host} ${LOOPBACK_ONLY}`;
    return `the host ${host} is an IP address: give the node's DNS name (IP literals are refused)`;
  }
  const v4 = IPV4.exec(host);
  if (v4) {
    if (v4[1] === "127") return policy.allowLoopback ? undefined : `the host ${host} ${LOOPBACK_ONLY}`;
    return `the host ${host} is an IP address: give the node's DNS name (IP literals are refused)`;
  }
  if (host === "localhost" || host.endsWith(".localhost")) {
    return policy.allowLoopback ? undefined : `the host ${host} ${LOOPBACK_ONLY}`;
  }
  if (!host.includes(".")) {
    return `the host ${host} is a single label, a local name: give a fully qualified public name`;
  }
  if (LOCAL_SUFFIXES.some((s) => host.endsWith(`.${s}`))) {
    return `the host ${host} is a local or internal name (metadata, .internal, .local): give a public name`;
  }
  return undefined;
}
