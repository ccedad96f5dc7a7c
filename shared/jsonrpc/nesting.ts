/**
 * @module
 * The nesting limit of a request: how deep its JSON nests, found by one iterative pass over the
 * brackets outside strings, so a deep request is refused before anything walks it. Pure.
 */
import { skipString } from "./scan";

/** The deepest a call may nest, counting its own object as level 1 (a batch's array is not counted). */
export const MAX_NESTING = 64;

const QUOTE = 34;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/**
 * How deep the JSON text in `[start, end)` nests (each array or object is one level). Stops as soon
 * as it passes `cap`, returning `cap + 1`. The text need not be valid JSON; no recursion.
 */
export function nestingDepth(text: string, cap: number, start = 0, end = text.length): number {
  let depth = 0;
  let deepest = 0;
  for (let i = start; i < end; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > cap) return cap + 1;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
    i++;
  }
  return deepest;
}

/** The message a request nested deeper than {@link MAX_NESTING} is refused with. */
export const NESTING_MESSAGE = `JSON nesting deeper than the limit of ${MAX_NESTING} levels: send params nested at most ${MAX_NESTING} levels deep`;
