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

/** A key as answered: never its plaintext, secret or hashes (the drift test holds it to KeyView). */
export const KEY_EXAMPLE = {
  id: "key_Vt3mP8qRx2LwN6sA",
  tenantId: "tnt_9fQ2xL7mNc4pRw1Z",
  name: "production backend",
  prefix: "rpc_Q7xK2mVa",
  createdAt: 1_764_723_600_000,
  revokedAt: null,
  cuPerSecond: 200,
  allowedOrigins: ["https://app.acme.example"],
  allowedIps: null,
  allowedMethods: null,
  allowedContracts: null,
  allowedChains: ["ethereum", "base"],
  requireJwt: false,
  hasSecret: true,
};

export const KEY_LIST_EXAMPLE = { keys: [KEY_EXAMPLE] };

/** Placeholders: a real key or secret never appears in the document. */
export const KEY_WITH_SECRET_EXAMPLE = { ...KEY_EXAMPLE, secret: "rpcsk_…" };

export const NEW_KEY_EXAMPLE = { ...KEY_WITH_SECRET_EXAMPLE, key: "rpc_…" };

export const REVOKED_KEY_EXAMPLE = { ...KEY_EXAMPLE, revokedAt: 1_767_225_600_000 };

export const CREATE_KEY_EXAMPLE = {
  name: "production backend",
  cuPerSecond: 200,
  allowedOrigins: ["https://app.acme.example"],
  allowedChains: ["ethereum", "base"],
};

/** null removes a rule. */
export const UPDATE_KEY_EXAMPLE = { cuPerSecond: 500, allowedOrigins: null };
