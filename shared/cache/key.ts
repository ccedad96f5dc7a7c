/**
 * @module
 * Cache and coalescing keys: the chain, the method and the params in a canonical form, so calls
 * that differ only in object key order or hex letter case share one key. Pure.
 */

export function cacheKeyOf(chain: string, method: string, params: unknown): string {
  return `${chain}\n${method}\n${canonicalJson(params ?? [])}`;
}

/** Text written as-is, told apart from the values still to write on the same stack. */
class Raw {
  constructor(readonly text: string) {}
}
const COMMA = new Raw(",");
const CLOSE_ARRAY = new Raw("]");
const CLOSE_OBJECT = new Raw("}");

/**
 * JSON with object keys sorted and hex strings in lower case. Iterative, with its own stack, so no
 * depth of nesting can overflow the call stack. `value` is JSON data (as from JSON.parse): no cycles.
 */
export function canonicalJson(value: unknown): string {
  let out = "";
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next instanceof Raw) {
      out += next.text;
    } else if (Array.isArray(next)) {
      out += "[";
      stack.push(CLOSE_ARRAY);
      for (let i = next.length - 1; i >= 0; i--) {
        stack.push(next[i]);
        if (i > 0) stack.push(COMMA);
      }
    } else if (next && typeof next === "object") {
      out += "{";
      pushMembers(stack, next as Record<string, unknown>);
    } else {
      out += scalarJson(next);
    }
  }
  return out;
}

/** An object's defined members, keys sorted, pushed so that they pop in order, then its closing brace. */
function pushMembers(stack: unknown[], object: Record<string, unknown>): void {
  stack.push(CLOSE_OBJECT);
  const keys = Object.keys(object)
    .filter((k) => object[k] !== undefined)
    .sort();
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i] as string;
    stack.push(object[key], new Raw(`${JSON.stringify(key)}:`));
    if (i > 0) stack.push(COMMA);
  }
}

function scalarJson(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(/^0x[0-9a-f]*$/i.test(value) ? value.toLowerCase() : value);
  }
  return JSON.stringify(value) ?? "null";
}
