import { asc, gt } from "drizzle-orm";
import type { Actor } from "../core/domain";
import { type NewTownEvent, TownEvent } from "../core/events";
import type { TownDb } from "./client";
import { beadEvents, townEvents } from "./schema";

/**
 * The outbox: append a town event in the caller's transaction. Every domain function that
 * changes something a person should see calls this in the same transaction as the change.
 */
export function appendTownEvent(db: TownDb, event: NewTownEvent, at: number): TownEvent {
  const row = db
    .insert(townEvents)
    .values({
      type: event.type,
      beadId: event.beadId ?? null,
      rigId: event.rigId ?? null,
      actor: event.actor ?? null,
      data: event.data as Record<string, unknown>,
      at,
    })
    .returning({ seq: townEvents.seq })
    .get();
  return TownEvent.parse({ ...event, beadId: event.beadId ?? null, rigId: event.rigId ?? null, actor: event.actor ?? null, seq: row.seq, at });
}

/** Events after `after`, oldest first, at most `limit`. */
export function readTownEvents(db: TownDb, after: number, limit = 500): TownEvent[] {
  const rows = db.select().from(townEvents).where(gt(townEvents.seq, after)).orderBy(asc(townEvents.seq)).limit(limit).all();
  return rows.map((r) => TownEvent.parse({ seq: r.seq, at: r.at, type: r.type, beadId: r.beadId, rigId: r.rigId, actor: r.actor, data: r.data }));
}

/** Append-only audit of one change to a bead. */
export function appendBeadEvent(
  db: TownDb,
  beadId: string,
  kind: string,
  actor: Actor,
  data: Record<string, unknown>,
  at: number,
): void {
  db.insert(beadEvents).values({ beadId, kind, actor, data, at }).run();
}
