/**
 * @module
 * The console's script modules as text (wrangler.toml [[rules]]: Text), served under
 * /assets/console/ by assets.ts. They are browser code, so the Worker's type check reads them only
 * as text; `npm run check` type-checks them against the DOM (./tsconfig.json).
 */
// @ts-expect-error: a .js file imported as text (the Text rule), not as a module
import api from "./api.js";
// @ts-expect-error: as above
import chains from "./chains.js";
// @ts-expect-error: as above
import dom from "./dom.js";
// @ts-expect-error: as above
import main from "./main.js";
// @ts-expect-error: as above
import ops from "./ops.js";
// @ts-expect-error: as above
import tenants from "./tenants.js";
// @ts-expect-error: as above
import usage from "./usage.js";

const files: Record<string, string> = {
  "api.js": api,
  "chains.js": chains,
  "dom.js": dom,
  "main.js": main,
  "ops.js": ops,
  "tenants.js": tenants,
  "usage.js": usage,
};
export default files;
