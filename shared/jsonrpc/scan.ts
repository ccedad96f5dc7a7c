/**
 * @module
 * Finds the raw text of JSON values without re-serialising them, so that ids (including integers
 * above 2^53) and params pass through byte-for-byte. Input must already be valid JSON.
 */

export type Span = readonly [start: number, end: number];

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the JSON string whose opening quote is at `i` (the text's end when unterminated). */
export function skipString(text: string, i: number): number {
  // i is at the opening quote
  for (i++; ; ) {
    const next = text.indexOf('"', i);
    if (next < 0) return text.length;
    let backslashes = 0;
    for (let j = next - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return next + 1;
    i = next + 1;
  }
}

/** Index just past the JSON value that starts at `i`. */
export function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(text, i);
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isWhitespace(d)) break;
    i++;
  }
  return i;
}

/**
 * Raw spans of the members of the object that starts at `start`; a repeated key keeps its last value,
 * as JSON.parse does, and is pushed onto `repeated` when given.
 */
export function objectMembers(text: string, start: number, repeated?: string[]): Map<string, Span> {
  const members = new Map<string, Span>();
  let i = skipWhitespace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return members;
  for (;;) {
    const keyEnd = skipString(text, i);
    const rawKey = text.slice(i + 1, keyEnd - 1);
    const key = rawKey.includes("\\") ? (JSON.parse(text.slice(i, keyEnd)) as string) : rawKey;
    i = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return members;
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (repeated && members.has(key)) repeated.push(key);
    members.set(key, [valueStart, valueEnd]);
    i = skipWhitespace(text, valueEnd);
    if (text.charCodeAt(i) !== COMMA) return members;
    i = skipWhitespace(text, i + 1);
  }
}

/** Raw spans of the elements of the array that starts at `start`. */
export function arrayElements(text: string, start: number): Span[] {
  const elements: Span[] = [];
  let i = skipWhitespace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return elements;
  for (;;) {
    const end = skipValue(text, i);
    elements.push([i, end]);
    i = skipWhitespace(text, end);
    if (text.charCodeAt(i) !== COMMA) return elements;
    i = skipWhitespace(text, i + 1);
  }
}
