/** Columns several tables share. */
import { sql } from "drizzle-orm";
import { integer } from "drizzle-orm/sqlite-core";

/** Milliseconds since the epoch, set by D1 when the row is written. */
export const timestamp = (name: string) =>
  integer(name, { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);
