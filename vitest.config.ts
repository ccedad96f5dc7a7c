import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Test-only secrets; real deployments set their own with `wrangler secret put`. */
export const TEST_SECRETS = {
  ADMIN_JWT_SECRET: "test-admin-secret-0123456789abcdef0123456789abcdef",
  UPSTREAM_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  AUDIT_KEY: "a1:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=",
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./db/migrations");
  return {
    test: {
      reporters: ["default", "./test/support/summaryReporter.ts"],
      projects: [
        {
          test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
        },
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  ...TEST_SECRETS,
                  UPSTREAM_TIMEOUT_MS: "3000",
                  // The tests' nodes are on loopback (production: "public", wrangler.toml).
                  EGRESS: "loopback",
                  // Every socket in one region, so a test knows which shard holds it: a chain's first
                  // shard there, <chain>/enam/0, until it holds STREAM_SHARD_SOCKETS (1000).
                  STREAM_REGION: "enam",
                  TEST_MIGRATIONS: migrations,
                  TEST_ANVIL_URL: inject<string>("anvilUrl"),
                  TEST_MINING_ANVIL_URL: inject<string>("miningAnvilUrl"),
                  TEST_LIST_URL: inject<string>("listUrl"),
                  TEST_PCHAIN_URL: inject<string>("pchainUrl"),
                  TEST_REDIRECT_URL: inject<string>("redirectUrl"),
                },
              },
            })),
          ],
          test: {
            name: "worker",
            include: ["test/worker/**/*.test.ts"],
            globalSetup: [
              "test/support/anvilSetup.ts",
              "test/support/pchainSetup.ts",
              "test/support/redirectSetup.ts",
            ],
            setupFiles: ["test/support/applyMigrations.ts"],
            testTimeout: 20_000,
          },
        },
        {
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.test.ts"],
            environment: "node",
            globalSetup: ["test/support/systemSetup.ts"],
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
      ],
    },
  };
});
