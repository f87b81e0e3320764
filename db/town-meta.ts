import { eq, sql } from "drizzle-orm";
import type { TownDb } from "./client";
import { townMeta } from "./schema";

/** Small named values of the town (stream cursors, counters, last-run stamps). */

/** The value stored under `key`, or undefined. */
export function getMeta(db: TownDb, key: string): string | undefined {
  return db.select({ value: townMeta.value }).from(townMeta).where(eq(townMeta.key, key)).get()?.value;
}

/** Stores `value` under `key`, replacing any earlier value. */
export function setMeta(db: TownDb, key: string, value: string): void {
  db.insert(townMeta).values({ key, value }).onConflictDoUpdate({ target: townMeta.key, set: { value } }).run();
}

/** Removes `key`; false if it was not there. */
export function deleteMeta(db: TownDb, key: string): boolean {
  return db.delete(townMeta).where(eq(townMeta.key, key)).returning().get() !== undefined;
}

/** Adds `by` to the integer counter under `key` (missing counts as 0) and returns the new value. */
export function incrementCounter(db: TownDb, key: string, by = 1): number {
  const row = db
    .insert(townMeta)
    .values({ key, value: String(by) })
    .onConflictDoUpdate({ target: townMeta.key, set: { value: sql`CAST(CAST(${townMeta.value} AS INTEGER) + ${by} AS TEXT)` } })
    .returning({ value: townMeta.value })
    .get();
  return Number(row?.value ?? by);
}
