// Types of the bindings and exports the worker tests see.
import type { D1Migration } from "cloudflare:test";
import type { Env as GatewayEnv } from "../../shared/config/env";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../../workers/gateway/src/index");
    }
    interface Env extends GatewayEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_ANVIL_URL: string;
      TEST_MINING_ANVIL_URL: string;
      TEST_LIST_URL: string;
      /** The stand-in P-Chain API (scripts/lib/pchainServer.mjs); endpoints at `<url>/<scenario>/ext/bc/P`. */
      TEST_PCHAIN_URL: string;
      /** Answers /redirect/<status> with that redirect to its /target; GET /count: how often /target was reached. */
      TEST_REDIRECT_URL: string;
    }
  }
}
