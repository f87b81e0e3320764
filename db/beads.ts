import { and, asc, desc, eq, like, or, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import { type Actor, type Bead, priorityRank } from "../core/domain";
import { badRequest, notFound } from "../core/errors";
import { CloseBeadRequest, CreateBeadRequest, ListBeadsQuery, UpdateBeadRequest } from "../core/town-api";
import { releaseHooksOn } from "./agents";
import type { TownDb } from "./client";
import { type BeadRow, createBeadIn, findBeadRow, requireBeadRow, setBeadStatus, toBead } from "./bead-rows";
import { landConvoysFor, noteConvoyMember } from "./convoys";
import { insertDependency } from "./deps";
import { parseInput } from "./input";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { findRig } from "./rigs";
import { beadEvents, beads } from "./schema";
import { inTransaction } from "./tx";

/** Beads: create, read, search, update and close; every change is audited and announced. */

export { toBead } from "./bead-rows";

function resolveRigId(db: TownDb, rig: string | undefined): string | null {
  if (rig === undefined) return null;
  const found = findRig(db, rig);
  if (!found) throw notFound(`rig ${rig}`);
  return found.id;
}

/** Creates a bead (id `<rig prefix>-<base36>`); a parentId also records the parent-child edge. */
export function createBead(db: TownDb, input: CreateBeadRequest, now: number): Bead {
  const req = parseInput(CreateBeadRequest, input, "bead");
  return inTransaction(db, () => {
    const rigId = resolveRigId(db, req.rig);
    if (req.parentId !== undefined) requireBeadRow(db, req.parentId);
    const bead = createBeadIn(
      db,
      {
        type: req.type,
        title: req.title,
        body: req.body,
        priority: req.priority,
        labels: req.labels,
        rigId,
        assignee: req.assignee ?? null,
        parentId: req.parentId ?? null,
      },
      req.actor,
      now,
    );
    if (req.parentId !== undefined) insertDependency(db, bead.id, req.parentId, "parent-child", req.actor, now);
    return bead;
  });
}

/** The bead with this id, or undefined. */
export function findBead(db: TownDb, id: string): Bead | undefined {
  const row = findBeadRow(db, id);
  return row ? toBead(row) : undefined;
}

/** The bead with this id; `not_found` otherwise. */
export function getBead(db: TownDb, id: string): Bead {
  return toBead(requireBeadRow(db, id));
}

/** Beads matching the filters, newest first. `q` matches the id or a part of the title. */
export function listBeads(db: TownDb, query: z.input<typeof ListBeadsQuery> = {}): Bead[] {
  const q = parseInput(ListBeadsQuery, query, "bead query");
  const where: SQL[] = [];
  if (q.rig !== undefined) where.push(eq(beads.rigId, resolveRigId(db, q.rig) ?? ""));
  if (q.status !== undefined) where.push(eq(beads.status, q.status));
  if (q.type !== undefined) where.push(eq(beads.type, q.type));
  if (q.q !== undefined && q.q.trim() !== "") {
    const pattern = `%${q.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const text = or(sql`${beads.title} LIKE ${pattern} ESCAPE '\\'`, like(beads.id, pattern));
    if (text) where.push(text);
  }
  return db
    .select()
    .from(beads)
    .where(and(...where))
    .orderBy(desc(beads.createdAt), desc(beads.id))
    .limit(q.limit)
    .all()
    .map(toBead);
}

/**
 * Updates title, body, priority, labels, status (not `closed`: use closeBead; setting an
 * open status on a closed bead reopens it) and assignee. Unchanged fields write nothing.
 */
export function updateBead(db: TownDb, id: string, input: UpdateBeadRequest, now: number): Bead {
  const req = parseInput(UpdateBeadRequest, input, "bead update");
  return inTransaction(db, () => {
    const before = requireBeadRow(db, id);
    const next: Partial<BeadRow> = {};
    if (req.title !== undefined && req.title !== before.title) next.title = req.title;
    if (req.body !== undefined && req.body !== before.body) next.body = req.body;
    if (req.priority !== undefined && priorityRank(req.priority) !== before.priority) next.priority = priorityRank(req.priority);
    if (req.labels !== undefined && JSON.stringify(req.labels) !== JSON.stringify(before.labels)) next.labels = req.labels;
    if (req.assignee !== undefined && req.assignee !== before.assignee) next.assignee = req.assignee;
    if (req.status !== undefined && req.status !== before.status) {
      next.status = req.status;
      next.closedAt = null;
    }
    const changed = Object.keys(next).filter((k) => k !== "closedAt");
    if (changed.length === 0) return toBead(before);
    const row = db
      .update(beads)
      .set({ ...next, updatedAt: now })
      .where(eq(beads.id, id))
      .returning()
      .get();
    if (!row) throw notFound(`bead ${id}`);
    const bead = toBead(row);
    // Bodies stay out of the audit data (they can be long or sensitive); the change is named.
    const data: Record<string, unknown> = { changed };
    if (next.status !== undefined) data.status = { from: before.status, to: next.status };
    if (next.priority !== undefined) data.priority = bead.priority;
    if (next.assignee !== undefined) data.assignee = next.assignee;
    appendBeadEvent(db, id, "updated", req.actor, data, now);
    appendTownEvent(db, { type: "bead_updated", beadId: id, rigId: bead.rigId, actor: req.actor, data: { bead, changed } }, now);
    if (next.status !== undefined) noteConvoyMember(db, id, req.actor, now);
    return bead;
  });
}

/**
 * Closes a bead inside the caller's transaction, then lets what depends on it move on:
 * releases agents hooked to it, advances and lands its convoys, and closes its molecule
 * when this was the molecule's last open step. Closing a closed bead changes nothing.
 */
export function closeBeadIn(db: TownDb, id: string, reason: string | null, actor: Actor, now: number): Bead {
  const before = requireBeadRow(db, id);
  if (before.status === "closed") return toBead(before);
  const bead = setBeadStatus(db, id, "closed", actor, now, { reason });
  appendTownEvent(db, { type: "bead_closed", beadId: id, rigId: bead.rigId, actor, data: { bead, reason } }, now);
  releaseHooksOn(db, id, actor, now);
  landConvoysFor(db, id, actor, now);
  closeFinishedMolecule(db, before.parentId, actor, now);
  return bead;
}

function closeFinishedMolecule(db: TownDb, parentId: string | null, actor: Actor, now: number): void {
  if (parentId === null) return;
  const parent = findBeadRow(db, parentId);
  if (parent?.type !== "molecule" || parent.status === "closed") return;
  const open = db
    .select({ id: beads.id })
    .from(beads)
    .where(and(eq(beads.parentId, parentId), sql`${beads.status} != 'closed'`))
    .get();
  if (!open) closeBeadIn(db, parentId, "all steps closed", actor, now);
}

/** Closes a bead (with an optional reason) and everything that follows from it, atomically. */
export function closeBead(db: TownDb, id: string, input: z.input<typeof CloseBeadRequest>, now: number): Bead {
  const req = parseInput(CloseBeadRequest, input, "close");
  if (id.trim() === "") throw badRequest("a bead id is required");
  return inTransaction(db, () => closeBeadIn(db, id, req.reason ?? null, req.actor, now));
}

export interface BeadHistoryEntry {
  id: number;
  kind: string;
  actor: Actor;
  data: Record<string, unknown>;
  at: number;
}

/** A bead's audit trail (bead_events), oldest first. */
export function beadHistory(db: TownDb, beadId: string, limit = 500): BeadHistoryEntry[] {
  requireBeadRow(db, beadId);
  return db.select().from(beadEvents).where(eq(beadEvents.beadId, beadId)).orderBy(asc(beadEvents.id)).limit(limit).all();
}
