/**
 * @module
 * Origins for a key's `allowedOrigins`: `scheme://host[:port]` normalised (lower-case, the scheme's
 * default port dropped), exact or a wildcard over subdomains (`https://*.example.com` matches
 * `https://a.example.com` and `https://a.b.example.com`, not `https://example.com`,
 * `https://evilexample.com` or `https://example.com.evil.io`). The origin "null" never matches. Pure.
 */
import { formatIpv6, parseIpv6 } from "./ipRange";

const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: "80", https: "443" };

/** `https://*.example.com:8443` matches an origin that starts with `https://` and ends with `.example.com:8443`. */
export interface WildcardOrigin {
  readonly prefix: string;
  readonly suffix: string;
}

/** A key's origins, fast to match. */
export interface CompiledOrigins {
  readonly exact: ReadonlySet<string>;
  readonly wildcards: readonly WildcardOrigin[];
}

/** A hostname (labels; at least two under a wildcard) or a bracketed IPv6 address, canonical; or undefined. */
function canonicalHost(host: string, wildcard: boolean): string | undefined {
  if (host.startsWith("[")) {
    const v6 = wildcard ? undefined : parseIpv6(host.slice(1, -1));
    return v6 === undefined ? undefined : `[${formatIpv6(v6)}]`;
  }
  const labels = host.split(".");
  if (host.length > 253 || (wildcard && labels.length < 2)) return undefined;
  return labels.every((label) => LABEL.test(label)) ? host : undefined;
}

/**
 * An origin as `scheme://host[:port]`: lower-case, the scheme's default port dropped, an IPv6 host in
 * RFC 5952 form; a leading `*.` only where `wildcard`. Undefined for anything else ("null", paths).
 */
export function normalizeOrigin(text: string, wildcard = false): string | undefined {
  const match = ORIGIN.exec(text.toLowerCase());
  if (!match) return undefined;
  const [, scheme = "", star, rawHost = "", rawPort] = match;
  if (star && !wildcard) return undefined;
  const host = canonicalHost(rawHost, star !== undefined);
  if (host === undefined) return undefined;
  let port = "";
  if (rawPort !== undefined) {
    const n = Number(rawPort);
    if (n < 1 || n > 65_535) return undefined;
    if (DEFAULT_PORTS[scheme] !== String(n)) port = `:${n}`;
  }
  return `${scheme}://${star ?? ""}${host}${port}`;
}

/** Normalised origins (normalizeOrigin) split into exact ones and wildcard subdomains. */
export function compileOrigins(list: readonly string[]): CompiledOrigins {
  const exact = new Set<string>();
  const wildcards: WildcardOrigin[] = [];
  for (const origin of list) {
    const star = origin.indexOf("://*.");
    if (star === -1) exact.add(origin);
    else wildcards.push({ prefix: origin.slice(0, star + 3), suffix: origin.slice(star + 4) });
  }
  return { exact, wildcards };
}

/**
 * Whether `text[start, end)` is dot-separated hostname labels (lower-case letters, digits, inner
 * dashes, none empty or over 63). Allocation-free.
 */
function isLabels(text: string, start: number, end: number): boolean {
  let length = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (length === 0 || text.charCodeAt(i - 1) === 45) return false;
      length = 0;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c === 45 && length > 0)) {
      if (++length > 63) return false;
    } else return false;
  }
  return length > 0 && text.charCodeAt(end - 1) !== 45;
}

/** Whether `origin`, canonical, is a subdomain that `wildcard` covers. */
function covers(wildcard: WildcardOrigin, origin: string): boolean {
  const { prefix, suffix } = wildcard;
  const end = origin.length - suffix.length;
  if (end <= prefix.length || !origin.startsWith(prefix) || !origin.endsWith(suffix)) return false;
  return isLabels(origin, prefix.length, end);
}

/** Whether `origin`, an Origin header as sent, is one of `origins` or a subdomain a wildcard covers. */
export function originAllowed(origins: CompiledOrigins, origin: string): boolean {
  // Browsers send origins canonical: most requests are decided here, without a string made.
  if (origins.exact.has(origin)) return true;
  for (const wildcard of origins.wildcards) if (covers(wildcard, origin)) return true;
  const normal = normalizeOrigin(origin);
  if (normal === undefined || normal === origin) return false;
  if (origins.exact.has(normal)) return true;
  for (const wildcard of origins.wildcards) if (covers(wildcard, normal)) return true;
  return false;
}
