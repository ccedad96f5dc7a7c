/**
 * @module
 * The console's script modules as text (wrangler.toml [[rules]]: Text), served under
 * /assets/console/ by assets.ts. They are browser code, so the Worker's type check reads them only
 * as text; `npm run check` type-checks them against the DOM (./tsconfig.json).
 */
// @ts-expect-error: browser code imported as text (the Text rule matches *.browser.js), not as a module
import api from "./api.browser.js";
// @ts-expect-error: as above
import chains from "./chains.browser.js";
// @ts-expect-error: as above
import dom from "./dom.browser.js";
// @ts-expect-error: as above
import main from "./main.browser.js";
// @ts-expect-error: as above
import ops from "./ops.browser.js";
// @ts-expect-error: as above
import tenants from "./tenants.browser.js";
// @ts-expect-error: as above
import usage from "./usage.browser.js";

const files: Record<string, string> = {
  "api.browser.js": api,
  "chains.browser.js": chains,
  "dom.browser.js": dom,
  "main.browser.js": main,
  "ops.browser.js": ops,
  "tenants.browser.js": tenants,
  "usage.browser.js": usage,
};
export default files;
