// Runs in workerd before each worker test file: applies db/migrations to the test D1 database.
import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
