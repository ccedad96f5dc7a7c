/**
 * @module
 * A key's allowlists (origins, client IPs, methods, contracts, chains) as a pure policy: validated
 * and normalised for the admin API, compiled once into sets and ranges, and checked per request
 * (origin, IP, chain) and per call (method, contracts). Lists of different kinds combine with AND,
 * entries of one kind with OR; an absent or empty list is no rule. A list whose entries are all
 * invalid still exists, and matches nothing. The key secret, which skips every rule, is the
 * caller's business. Pure.
 */
import type { GatewayError } from "../errors/base";
import {
  ChainNotAllowedError,
  ContractNotAllowedError,
  IpNotAllowedError,
  MethodNotAllowedForKeyError,
  OriginNotAllowedError,
} from "../errors/kinds";
import { contractsOf } from "./callContracts";
import { formatRange, type IpRange, ipAllowed, parseRange } from "./ipRange";
import { type CompiledOrigins, compileOrigins, normalizeOrigin, originAllowed } from "./origins";

/** The lists as stored on a key (each optional; absent = no rule of that kind). */
export interface KeyRules {
  /** Exact origins (`https://app.example.com`, no path) or wildcard subdomains (`https://*.example.com`). */
  allowedOrigins?: string[];
  /** Addresses and CIDRs, IPv4 and IPv6: `203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`. */
  allowedIps?: string[];
  /** Canonical method names (`eth_call`, case-sensitive) or namespaces (`debug`: every `debug_*`). */
  allowedMethods?: string[];
  /** 0x addresses, any case. */
  allowedContracts?: string[];
  /** Chain slugs. */
  allowedChains?: string[];
}

export type RuleKind = keyof KeyRules;

/** Entries one list may hold. */
export const MAX_RULE_ENTRIES = 200;

/** The rules in the shape that is fast to match; a kind is undefined when the key has no list of it. */
export interface CompiledRules {
  readonly origins?: CompiledOrigins;
  readonly ips?: readonly IpRange[];
  /** `namespaces` as prefixes: `debug_`. */
  readonly methods?: { readonly exact: ReadonlySet<string>; readonly namespaces: readonly string[] };
  /** Lower-case. */
  readonly contracts?: ReadonlySet<string>;
  readonly chains?: ReadonlySet<string>;
  /** Set on a JWT's lists (shared/keys/jwtPolicy.ts): refusals then name the token's claim, not the key's list. */
  readonly jwt?: true;
  /** Rules that must hold too (a JWT's lists are ANDed with the key's). */
  readonly and?: CompiledRules;
}

const METHOD_ENTRY = /^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*$/;
const ADDRESS = /^0x[0-9a-f]{40}$/;
const CHAIN_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

interface KindSpec {
  normalize: (entry: string) => string | undefined;
  problem: string;
}

const KINDS: Readonly<Record<RuleKind, KindSpec>> = {
  allowedOrigins: {
    normalize: (entry) => normalizeOrigin(entry, true),
    problem:
      "not an origin: write scheme://host[:port] with no path, e.g. https://app.example.com, or https://*.example.com for its subdomains",
  },
  allowedIps: {
    normalize: (entry) => {
      const range = parseRange(entry);
      return range && formatRange(range);
    },
    problem: "not an IP address or CIDR, e.g. 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32",
  },
  allowedMethods: {
    normalize: (entry) => (entry.length <= 64 && METHOD_ENTRY.test(entry) ? entry : undefined),
    problem: "not a method name or namespace, e.g. eth_call or debug (method names are case-sensitive)",
  },
  allowedContracts: {
    normalize: (entry) => (ADDRESS.test(entry.toLowerCase()) ? entry.toLowerCase() : undefined),
    problem: "not an address: 0x and 40 hex digits",
  },
  allowedChains: {
    normalize: (entry) => (CHAIN_SLUG.test(entry.toLowerCase()) ? entry.toLowerCase() : undefined),
    problem: "not a chain slug: lowercase letters, digits and dashes",
  },
};

const RULE_KINDS = Object.keys(KINDS) as RuleKind[];

/**
 * Validation for the admin API: one message per bad entry (`allowedIps[2]: not an IP address or
 * CIDR, ...`) or list (not a list, over MAX_RULE_ENTRIES); [] when the rules are fine. Entries are
 * read trimmed. Never echoes an entry.
 */
export function problemsOf(rules: KeyRules): string[] {
  const problems: string[] = [];
  for (const kind of RULE_KINDS) {
    const list: unknown = rules[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`${kind}: expected a list of strings`);
      continue;
    }
    if (list.length > MAX_RULE_ENTRIES) {
      problems.push(`${kind}: at most ${MAX_RULE_ENTRIES} entries, this list has ${list.length}`);
      continue;
    }
    for (const [i, entry] of list.entries()) {
      if (typeof entry !== "string") problems.push(`${kind}[${i}]: expected a string`);
      else if (KINDS[kind].normalize(entry.trim()) === undefined)
        problems.push(`${kind}[${i}]: ${KINDS[kind].problem}`);
    }
  }
  return problems;
}

/**
 * The rules as they are stored: entries trimmed and canonical (lower-case origins, addresses and
 * slugs, canonical CIDRs), duplicates dropped, empty lists dropped (no rule). An entry that does not
 * validate is kept as written, so the list it is in still refuses what it does not allow.
 */
export function normalizeRules(rules: KeyRules): KeyRules {
  const out: KeyRules = {};
  for (const kind of RULE_KINDS) {
    const list = rules[kind];
    if (!Array.isArray(list) || list.length === 0) continue;
    const entries = list.map((entry) => {
      const trimmed = String(entry).trim();
      return KINDS[kind].normalize(trimmed) ?? trimmed;
    });
    out[kind] = [...new Set(entries)];
  }
  return out;
}

/** Compiled rules by the KeyRules object they came from: held as long as the key cache holds that object. */
const compiled = new WeakMap<KeyRules, CompiledRules>();

/** The valid entries of a list, normalised; undefined when there is no list (absent or empty). */
function entries(rules: KeyRules, kind: RuleKind): string[] | undefined {
  const list = rules[kind];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: string[] = [];
  for (const entry of list) {
    const normal = typeof entry === "string" ? KINDS[kind].normalize(entry.trim()) : undefined;
    if (normal !== undefined) out.push(normal);
  }
  return out;
}

function compileMethods(list: string[]): CompiledRules["methods"] {
  const exact = new Set(list.filter((m) => m.includes("_")));
  return { exact, namespaces: list.filter((m) => !m.includes("_")).map((m) => `${m}_`) };
}

/** Compiles `rules` once per object (cached in a WeakMap keyed by it). */
export function compileRules(rules: KeyRules): CompiledRules {
  const cached = compiled.get(rules);
  if (cached) return cached;
  const origins = entries(rules, "allowedOrigins");
  const ips = entries(rules, "allowedIps");
  const methods = entries(rules, "allowedMethods");
  const contracts = entries(rules, "allowedContracts");
  const chains = entries(rules, "allowedChains");
  const result: CompiledRules = {
    origins: origins && compileOrigins(origins),
    ips: ips?.map((ip) => parseRange(ip) as IpRange),
    methods: methods && compileMethods(methods),
    contracts: contracts && new Set(contracts),
    chains: chains && new Set(chains),
  };
  compiled.set(rules, result);
  return result;
}

/** At most 100 characters of a client-supplied value, for a message. */
function clip(value: string): string {
  return value.length > 100 ? `${value.slice(0, 100)}...` : value;
}

function originRefusal(origin: string | null): GatewayError {
  if (origin === null) {
    return new OriginNotAllowedError(
      "this key serves only its allowedOrigins and the request sends no Origin header: call from an allowed origin, or from a server with the key secret",
    );
  }
  return new OriginNotAllowedError(
    `origin ${clip(origin)} is not allowed for this key: add it to the key's allowedOrigins, or call from a server with the key secret`,
    { data: { origin: clip(origin) } },
  );
}

function ipRefusal(ip: string | null): GatewayError {
  if (ip === null) {
    return new IpNotAllowedError(
      "this key serves only its allowedIps and the client address is unknown: call from an allowed address, or use the key secret",
    );
  }
  return new IpNotAllowedError(
    `client address ${clip(ip)} is not allowed for this key: add it, or a CIDR that covers it, to the key's allowedIps`,
    { data: { ip: clip(ip) } },
  );
}

/**
 * Request-level rules: the Origin header (null when absent), the client address (CF-Connecting-IP;
 * null when unknown) and the chain slug. The first refusal, chain then IP then origin, or undefined.
 */
export function checkRequest(
  rules: CompiledRules,
  request: { origin: string | null; ip: string | null; chain: string | null },
): GatewayError | undefined {
  const { chains, ips, origins } = rules;
  // A request to no chain (usage, prices, validators) meets every rule but the chain's.
  if (chains && request.chain !== null && !chains.has(request.chain)) {
    const chain = clip(request.chain);
    return new ChainNotAllowedError(
      rules.jwt
        ? `chain ${chain} is not allowed by this request's JWT: its chains claim does not list it`
        : `chain ${chain} is not allowed for this key: add it to the key's allowedChains`,
      { data: { chain } },
    );
  }
  if (ips) {
    if (request.ip === null || !ipAllowed(request.ip, ips)) return ipRefusal(request.ip);
  }
  if (origins && (request.origin === null || !originAllowed(origins, request.origin))) {
    return originRefusal(request.origin);
  }
  return rules.and && checkRequest(rules.and, request);
}

function methodAllowed(methods: NonNullable<CompiledRules["methods"]>, method: string): boolean {
  if (methods.exact.has(method)) return true;
  for (const prefix of methods.namespaces) if (method.startsWith(prefix)) return true;
  return false;
}

/** Call-level rules: the method, and every contract address the call touches (shared/keys/callContracts.ts). */
export function checkCall(
  rules: CompiledRules,
  call: { method: string; params: unknown },
): GatewayError | undefined {
  const method = clip(call.method);
  if (rules.methods && !methodAllowed(rules.methods, call.method)) {
    const underscore = method.indexOf("_");
    const namespace = underscore > 0 ? ` (or its namespace ${method.slice(0, underscore)})` : "";
    return new MethodNotAllowedForKeyError(
      rules.jwt
        ? `method ${method} is not allowed by this request's JWT: its methods claim does not list it${namespace}`
        : `method ${method} is not allowed for this key: add it${namespace} to the key's allowedMethods`,
      { data: { method } },
    );
  }
  return contractRefusal(rules, call) ?? (rules.and && checkCall(rules.and, call));
}

function contractRefusal(rules: CompiledRules, call: { method: string; params: unknown }) {
  if (!rules.contracts) return undefined;
  const touched = contractsOf(call.method, call.params);
  if (touched === undefined) return undefined;
  const method = clip(call.method);
  if ("missing" in touched) {
    const lists = rules.jwt
      ? "the contracts its JWT's contracts claim lists"
      : "the contracts in its allowedContracts";
    return new ContractNotAllowedError(
      `${method} ${touched.missing} is refused: this key serves only ${lists}; name one of them`,
      { data: { method } },
    );
  }
  for (const address of touched.addresses) {
    if (rules.contracts.has(address.toLowerCase())) continue;
    const contract = clip(address);
    return new ContractNotAllowedError(
      rules.jwt
        ? `contract ${contract} is not allowed by this request's JWT (${method} ${touched.field}): its contracts claim does not list it`
        : `contract ${contract} is not allowed for this key (${method} ${touched.field}): add it to allowedContracts`,
      { data: { contract } },
    );
  }
  return undefined;
}
