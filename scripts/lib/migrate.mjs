// Applies db/migrations to a D1 database, recording them in d1_migrations as wrangler does, so
// `wrangler d1 migrations apply` and this agree on what has run.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** @param {D1Database} db @param {string} dir */
export async function applyMigrations(db, dir) {
  await db
    .prepare(
      "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    )
    .run();
  const { results } = await db.prepare("SELECT name FROM d1_migrations").all();
  const applied = new Set(results.map((r) => r.name));
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  for (const name of files) {
    if (applied.has(name)) continue;
    const sql = await readFile(join(dir, name), "utf8");
    const statements = sql
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => db.prepare(s));
    await db.batch([...statements, db.prepare("INSERT INTO d1_migrations (name) VALUES (?1)").bind(name)]);
  }
}
