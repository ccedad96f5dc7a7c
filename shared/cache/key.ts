/**
 * @module
 * Cache and coalescing keys: the chain, the method and the params in a canonical form, so calls
 * that differ only in object key order or hex letter case share one key. Pure.
 */

export function cacheKeyOf(chain: string, method: string, params: unknown): string {
  return `${chain}\n${method}\n${canonicalJson(params ?? [])}`;
}

/** JSON with object keys sorted and hex strings in lower case. */
export function canonicalJson(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(/^0x[0-9a-f]*$/i.test(value) ? value.toLowerCase() : value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    const members = keys.flatMap((k) => {
      const v = (value as Record<string, unknown>)[k];
      return v === undefined ? [] : [`${JSON.stringify(k)}:${canonicalJson(v)}`];
    });
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
