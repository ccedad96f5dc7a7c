/**
 * @module
 * The headers every page and asset is sent with: a strict Content-Security-Policy (only this origin's
 * scripts, styles and data; no inline script, no frames, no third-party request), and the usual
 * companions.
 */
export const PAGE_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};
