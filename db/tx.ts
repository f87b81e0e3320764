import type { TownDb } from "./client";

/**
 * Runs `fn` in one synchronous SQLite transaction (DO `transactionSync` under drizzle).
 * Durable Object SQLite has a single connection, so every statement issued through `db`
 * while `fn` runs belongs to this transaction; store functions therefore keep using `db`
 * (one type everywhere) instead of threading drizzle's `tx` object. A throw rolls back the
 * change, its bead events and its town events together. Nested calls become savepoints.
 */
export function inTransaction<T>(db: TownDb, fn: () => T): T {
  return db.transaction(() => fn());
}
