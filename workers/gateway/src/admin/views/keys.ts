/**
 * What the admin API answers about API keys: the public columns of `api_keys` (../tenants.ts
 * `publicKeyColumns`: never the hashes), with whether the key has a secret; the plaintext and the
 * secret only in the answer that makes them.
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { apiKeys } from "../../../../../db/schema";

const ruleList = z.array(z.string()).nullable();

export const KeyView = createSelectSchema(apiKeys, {
  allowedOrigins: ruleList,
  allowedIps: ruleList,
  allowedMethods: ruleList,
  allowedContracts: ruleList,
  allowedChains: ruleList,
})
  .omit({ hash: true, secretHash: true })
  .extend({
    /** Keys made before key secrets have none until POST /keys/:id/secret. */
    hasSecret: z.boolean(),
  });

export const KeyList = z.object({ keys: z.array(KeyView) });

/** A key's secret, shown once: the old one no longer works. */
export const KeyWithSecret = KeyView.extend({ secret: z.string() });

/** A key just made: its plaintext and its secret, shown once. */
export const NewKey = KeyWithSecret.extend({ key: z.string() });
