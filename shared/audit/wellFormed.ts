/**
 * @module
 * Text the audit log can hold as written: D1 stores a lone UTF-16 surrogate as U+FFFD, so a row
 * linked over the original would no longer match its link.
 */

/** Half of a UTF-16 pair on its own. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

/** `text` with each lone surrogate replaced by U+FFFD, as D1 will store it. */
export function wellFormed(text: string): string {
  return String(text).replace(LONE_SURROGATES, "\uFFFD");
}
