// Mints admin JWTs for local use and tests: the code lives with the CLI (cli/lib/token.mjs), which
// ships in the package; scripts and tests import it from here as before.
export { ADMIN_AUDIENCE, ADMIN_ISSUER, ADMIN_MAX_TOKEN_SECONDS, adminToken } from "../../cli/lib/token.mjs";
