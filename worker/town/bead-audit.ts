import { and, asc, eq, gt } from "drizzle-orm";
import { Actor } from "../../core/domain";
import type { TownDb } from "../../db/client";
import { requireBeadRow } from "../../db/bead-rows";
import { beadEvents } from "../../db/schema";

/** One entry of a bead's append-only audit trail. */
export interface BeadAuditEntry {
  id: number;
  kind: string;
  actor: Actor;
  data: Record<string, unknown>;
  at: number;
}

/** A bead's audit trail, oldest first (at most `limit` entries after `after`). */
export function beadAudit(db: TownDb, beadId: string, after = 0, limit = 200): BeadAuditEntry[] {
  requireBeadRow(db, beadId);
  return db
    .select()
    .from(beadEvents)
    .where(and(eq(beadEvents.beadId, beadId), gt(beadEvents.id, after)))
    .orderBy(asc(beadEvents.id))
    .limit(limit)
    .all()
    .map((r) => ({ id: r.id, kind: r.kind, actor: Actor.parse(r.actor), data: r.data, at: r.at }));
}
