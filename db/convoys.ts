import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor, Bead } from "../core/domain";
import { conflict, notFound } from "../core/errors";
import { AddToConvoyRequest, CreateConvoyRequest } from "../core/town-api";
import type { TownDb } from "./client";
import { insertBead, requireBeadRow, setBeadStatus } from "./bead-rows";
import { insertDependency } from "./deps";
import { parseInput } from "./input";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { beads, convoyBeads, convoys } from "./schema";
import { inTransaction } from "./tx";

/**
 * Convoys: a named batch of beads tracked together. The convoy is itself a bead (type
 * `convoy`) with `tracks` edges to its members. It lands exactly once, when every member is
 * closed: `landed_at` is set by a guarded update, so a second close can never land it again.
 */

export const ConvoyProgress = z.object({
  convoyId: z.string(),
  name: z.string(),
  closed: z.number().int(),
  total: z.number().int(),
  landedAt: z.number().nullable(),
  beads: z.array(z.object({ id: z.string(), title: z.string(), status: z.string() })),
});
export type ConvoyProgress = z.infer<typeof ConvoyProgress>;

function requireConvoy(db: TownDb, convoyId: string) {
  const row = db.select().from(convoys).where(eq(convoys.beadId, convoyId)).get();
  if (!row) throw notFound(`convoy ${convoyId}`);
  return row;
}

function counts(db: TownDb, convoyId: string): { closed: number; total: number } {
  const row = db
    .select({ total: sql<number>`count(*)`, closed: sql<number>`coalesce(sum(${beads.status} = 'closed'), 0)` })
    .from(convoyBeads)
    .innerJoin(beads, eq(beads.id, convoyBeads.beadId))
    .where(eq(convoyBeads.convoyId, convoyId))
    .get();
  return { closed: Number(row?.closed ?? 0), total: Number(row?.total ?? 0) };
}

function addMembers(db: TownDb, convoyId: string, beadIds: readonly string[], actor: Actor, now: number): string[] {
  const added: string[] = [];
  for (const beadId of new Set(beadIds)) {
    const member = requireBeadRow(db, beadId);
    if (member.type === "convoy") throw conflict(`${beadId} is a convoy; convoys do not nest`);
    const inserted = db.insert(convoyBeads).values({ convoyId, beadId, addedAt: now }).onConflictDoNothing().returning().get();
    if (!inserted) continue;
    insertDependency(db, convoyId, beadId, "tracks", actor, now);
    appendBeadEvent(db, beadId, "convoy_joined", actor, { convoyId }, now);
    added.push(beadId);
  }
  return added;
}

/** Announces an unlanded convoy's progress; its name and counts, or null once it has landed. */
function announceProgress(db: TownDb, convoyId: string, actor: Actor, now: number): { name: string; closed: number; total: number } | null {
  const convoy = requireConvoy(db, convoyId);
  if (convoy.landedAt !== null) return null;
  const progress = { name: convoy.name, ...counts(db, convoyId) };
  appendTownEvent(db, { type: "convoy_progress", beadId: convoyId, actor, data: { convoyId, ...progress } }, now);
  return progress;
}

/** Announces progress and, when every member is closed, lands the convoy (exactly once). */
function checkConvoy(db: TownDb, convoyId: string, actor: Actor, now: number): void {
  const progress = announceProgress(db, convoyId, actor, now);
  if (!progress || progress.total === 0 || progress.closed < progress.total) return;
  const { name, total } = progress;
  const landed = db
    .update(convoys)
    .set({ landedAt: now })
    .where(and(eq(convoys.beadId, convoyId), isNull(convoys.landedAt)))
    .returning()
    .get();
  if (!landed) return;
  setBeadStatus(db, convoyId, "closed", actor, now, { reason: "landed" });
  appendTownEvent(db, { type: "convoy_landed", beadId: convoyId, actor, data: { convoyId, name, total } }, now);
}

/** Creates a convoy over existing beads; lands at once if they are all closed already. */
export function createConvoy(db: TownDb, input: z.input<typeof CreateConvoyRequest>, now: number): ConvoyProgress {
  const req = parseInput(CreateConvoyRequest, input, "convoy");
  return inTransaction(db, () => {
    const bead: Bead = insertBead(db, { type: "convoy", title: req.name, rigId: null }, req.actor, now);
    db.insert(convoys).values({ beadId: bead.id, name: req.name, landedAt: null }).run();
    const beadIds = addMembers(db, bead.id, req.beadIds, req.actor, now);
    appendTownEvent(db, { type: "convoy_created", beadId: bead.id, actor: req.actor, data: { convoyId: bead.id, name: req.name, beadIds } }, now);
    checkConvoy(db, bead.id, req.actor, now);
    return convoyProgress(db, bead.id);
  });
}

/** Adds beads to a convoy that has not landed; re-adding a member changes nothing. */
export function addToConvoy(db: TownDb, convoyId: string, input: z.input<typeof AddToConvoyRequest>, now: number): ConvoyProgress {
  const req = parseInput(AddToConvoyRequest, input, "convoy add");
  return inTransaction(db, () => {
    const convoy = requireConvoy(db, convoyId);
    if (convoy.landedAt !== null) throw conflict(`convoy ${convoy.name} has already landed`);
    const added = addMembers(db, convoyId, req.beadIds, req.actor, now);
    if (added.length > 0) {
      appendBeadEvent(db, convoyId, "convoy_added", req.actor, { beadIds: added }, now);
      checkConvoy(db, convoyId, req.actor, now);
    }
    return convoyProgress(db, convoyId);
  });
}

/** How far a convoy is: closed/total and its members in the order they joined. */
export function convoyProgress(db: TownDb, convoyId: string): ConvoyProgress {
  const convoy = requireConvoy(db, convoyId);
  const members = db
    .select({ id: beads.id, title: beads.title, status: beads.status })
    .from(convoyBeads)
    .innerJoin(beads, eq(beads.id, convoyBeads.beadId))
    .where(eq(convoyBeads.convoyId, convoyId))
    .orderBy(asc(convoyBeads.addedAt), asc(beads.id))
    .all();
  const closed = members.filter((m) => m.status === "closed").length;
  return { convoyId, name: convoy.name, closed, total: members.length, landedAt: convoy.landedAt, beads: members };
}

/** Convoys (newest first), optionally only those not landed yet. */
export function listConvoys(db: TownDb, opts: { open?: boolean } = {}): ConvoyProgress[] {
  const rows = db
    .select({ id: convoys.beadId })
    .from(convoys)
    .innerJoin(beads, eq(beads.id, convoys.beadId))
    .where(opts.open ? isNull(convoys.landedAt) : undefined)
    .orderBy(sql`${beads.createdAt} desc`)
    .all();
  return rows.map((r) => convoyProgress(db, r.id));
}

/** Unlanded convoys holding `beadId`. */
function openConvoysOf(db: TownDb, beadId: string): string[] {
  return db
    .select({ convoyId: convoyBeads.convoyId })
    .from(convoyBeads)
    .innerJoin(convoys, eq(convoys.beadId, convoyBeads.convoyId))
    .where(and(eq(convoyBeads.beadId, beadId), isNull(convoys.landedAt)))
    .all()
    .map((r) => r.convoyId);
}

/**
 * After `beadId` changed (closed): announce progress of each unlanded convoy holding it and
 * land those now complete. Runs in the caller's transaction (closeBead calls it).
 */
export function landConvoysFor(db: TownDb, beadId: string, actor: Actor, now: number): void {
  for (const convoyId of openConvoysOf(db, beadId)) checkConvoy(db, convoyId, actor, now);
}

/**
 * A member of an unlanded convoy moved (hooked, in progress, in review, back to open): its
 * convoys announce progress so their cards show the member's new status. Closing goes through
 * landConvoysFor. Runs in the caller's transaction.
 */
export function noteConvoyMember(db: TownDb, beadId: string, actor: Actor, now: number): void {
  for (const convoyId of openConvoysOf(db, beadId)) announceProgress(db, convoyId, actor, now);
}
