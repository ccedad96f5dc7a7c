/**
 * @module
 * Removes upstream URLs and credentials from text that may reach a client or a log line.
 */

const URL_PATTERN = /\b(?:https?|wss?):\/\/[^\s"'<>]+/gi;
const MIN_SECRET_LENGTH = 6;

/** The parts of an upstream URL that may be secret: the whole URL, its host, and long path segments, query values and user info. */
export function secretsOf(url: string): string[] {
  const secrets = new Set<string>([url]);
  try {
    const u = new URL(url);
    secrets.add(u.host);
    for (const part of [u.username, u.password, ...u.pathname.split("/")]) {
      if (part.length >= MIN_SECRET_LENGTH) secrets.add(part).add(decodePart(part));
    }
    // already decoded by URLSearchParams
    for (const value of u.searchParams.values()) {
      if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
    }
  } catch {
    // not a URL: the whole string is the secret
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_PATTERN, "[redacted-url]");
  for (const secret of secrets) if (secret) out = out.split(secret).join("[redacted]");
  return out;
}
