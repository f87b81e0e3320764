import { max } from "drizzle-orm";
import type { TownDb } from "../db/client";
import { townEvents } from "../db/schema";
import { getMeta, setMeta } from "../db/town-meta";

/**
 * Durable per-consumer cursors of the event stream: the highest seq a consumer (the bot)
 * has acknowledged, kept in town_meta as `cursor:<consumer>`, so a consumer that comes back
 * after a restart resumes where it left off.
 */

const key = (consumer: string) => `cursor:${consumer}`;

/** The consumer's acknowledged seq, 0 when it never acked. */
export function readCursor(db: TownDb, consumer: string): number {
  const n = Number(getMeta(db, key(consumer)) ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** Moves the consumer's cursor forward to `seq` (never back: acks may arrive late); returns it. */
export function advanceCursor(db: TownDb, consumer: string, seq: number): number {
  const current = readCursor(db, consumer);
  if (seq <= current) return current;
  setMeta(db, key(consumer), String(seq));
  return seq;
}

/** The newest event's seq, 0 for an empty outbox. */
export function headSeq(db: TownDb): number {
  return db.select({ head: max(townEvents.seq) }).from(townEvents).get()?.head ?? 0;
}
