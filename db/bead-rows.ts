import { eq } from "drizzle-orm";
import { type Actor, Bead, type BeadStatus, type BeadType, type Priority, priorityFromRank, priorityRank } from "../core/domain";
import { GastownError, notFound } from "../core/errors";
import { makeBeadId } from "../core/ids";
import type { TownDb } from "./client";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { beads, rigs } from "./schema";

/**
 * Low-level bead rows shared by every bead-shaped record (work, mail, convoys, escalations,
 * molecules): the row <-> domain mapping, id allocation and the insert with its audit event.
 * Callers own the transaction and the town event (each kind announces itself differently).
 */

/** Prefix of beads that belong to no rig (convoys, town-wide escalations, mayor plans). */
export const TOWN_BEAD_PREFIX = "hq";

export type BeadRow = typeof beads.$inferSelect;

/** Maps a stored row to the core `Bead` type. */
export function toBead(row: BeadRow): Bead {
  return Bead.parse({
    id: row.id,
    type: row.type,
    status: row.status,
    priority: priorityFromRank(row.priority),
    title: row.title,
    body: row.body,
    labels: row.labels,
    rigId: row.rigId,
    assignee: row.assignee,
    parentId: row.parentId,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    closedAt: row.closedAt,
  });
}

/** The bead row with this id, or undefined. */
export function findBeadRow(db: TownDb, id: string): BeadRow | undefined {
  return db.select().from(beads).where(eq(beads.id, id)).get();
}

/** The bead row with this id, or a `not_found` error. */
export function requireBeadRow(db: TownDb, id: string): BeadRow {
  const row = findBeadRow(db, id);
  if (!row) throw notFound(`bead ${id}`);
  return row;
}

/** Bead id prefix for a rig (or the town prefix for rigless beads). */
export function prefixFor(db: TownDb, rigId: string | null): string {
  if (rigId === null) return TOWN_BEAD_PREFIX;
  const rig = db.select({ prefix: rigs.beadPrefix }).from(rigs).where(eq(rigs.id, rigId)).get();
  if (!rig) throw notFound(`rig ${rigId}`);
  return rig.prefix;
}

/**
 * Candidate ids in the order to try them. Short ids are what people type, so start at 4
 * base36 characters and only grow the suffix after repeated collisions (a crowded town),
 * up to the 12 the id format allows.
 */
function* beadIdCandidates(prefix: string): Generator<string> {
  for (let length = 4; length <= 12; length++) {
    for (let attempt = 0; attempt < 4; attempt++) yield makeBeadId(prefix, length);
  }
}

export interface NewBeadRow {
  type: BeadType;
  title: string;
  body?: string;
  priority?: Priority;
  labels?: string[];
  rigId?: string | null;
  assignee?: string | null;
  parentId?: string | null;
  status?: BeadStatus;
}

/** Inserts a bead and its `created` audit event; the caller holds the transaction. */
export function insertBead(db: TownDb, fields: NewBeadRow, actor: Actor, now: number): Bead {
  const rigId = fields.rigId ?? null;
  const prefix = prefixFor(db, rigId);
  for (const id of beadIdCandidates(prefix)) {
    // Insert-or-skip on the primary key: a collision costs a retry, never an extra read.
    const row = db
      .insert(beads)
      .values({
        id,
        type: fields.type,
        status: fields.status ?? "open",
        priority: priorityRank(fields.priority ?? "P2"),
        title: fields.title,
        body: fields.body ?? "",
        labels: fields.labels ?? [],
        rigId,
        assignee: fields.assignee ?? null,
        parentId: fields.parentId ?? null,
        createdBy: actor,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      })
      .onConflictDoNothing({ target: beads.id })
      .returning()
      .get();
    if (!row) continue;
    appendBeadEvent(db, id, "created", actor, { type: row.type, title: row.title, rigId, parentId: row.parentId }, now);
    return toBead(row);
  }
  throw new GastownError("internal", `could not allocate a bead id with prefix ${prefix}`);
}

/** Sets a bead's status (closing stamps closed_at) and writes the audit event. */
export function setBeadStatus(db: TownDb, id: string, status: BeadStatus, actor: Actor, now: number, data: Record<string, unknown> = {}): Bead {
  const before = requireBeadRow(db, id);
  const row = db
    .update(beads)
    .set({ status, updatedAt: now, closedAt: status === "closed" ? now : null })
    .where(eq(beads.id, id))
    .returning()
    .get();
  if (!row) throw notFound(`bead ${id}`);
  appendBeadEvent(db, id, status === "closed" ? "closed" : "status", actor, { from: before.status, to: status, ...data }, now);
  return toBead(row);
}

/** Inserts a bead and announces it with `bead_created`; the caller holds the transaction. */
export function createBeadIn(db: TownDb, fields: NewBeadRow, actor: Actor, now: number): Bead {
  const bead = insertBead(db, fields, actor, now);
  appendTownEvent(db, { type: "bead_created", beadId: bead.id, rigId: bead.rigId, actor, data: { bead } }, now);
  return bead;
}
