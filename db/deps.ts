import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { Actor, DepType } from "../core/domain";
import { badRequest, conflict, GastownError } from "../core/errors";
import { BeadId } from "../core/ids";
import type { TownDb } from "./client";
import { requireBeadRow, toBead } from "./bead-rows";
import { parseInput } from "./input";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { beadDeps, beads } from "./schema";
import { inTransaction } from "./tx";

/**
 * Dependencies between beads: `beadId` depends on `dependsOnId`.
 * - blocks: beadId cannot start before dependsOnId closes (drives the ready queue);
 * - parent-child: beadId is a child of dependsOnId (also mirrored in beads.parent_id);
 * - tracks: beadId (a convoy) tracks dependsOnId; related: a plain link.
 * blocks and parent-child edges together must form a DAG: a cycle would leave work that can
 * never become ready, so it is refused with code `cycle`.
 */

export const BeadDep = z.object({ beadId: z.string(), dependsOnId: z.string(), type: DepType, createdAt: z.number() });
export type BeadDep = z.infer<typeof BeadDep>;

const AddDependencyInput = z.object({ beadId: BeadId, dependsOn: BeadId, type: DepType.default("blocks"), actor: Actor });
export type AddDependencyInput = z.input<typeof AddDependencyInput>;

/** Edge types that order work and therefore must stay acyclic. */
const ORDERING: readonly DepType[] = ["blocks", "parent-child"];

/**
 * True if `to` can already reach `from` through blocks/parent-child edges, so adding
 * `from -> to` would close a cycle. A recursive CTE walks the primary-key index
 * (bead_id first) from `to`; UNION dedupes visited beads, so shared ancestry costs nothing
 * twice and the walk stops at the first hit.
 */
export function wouldCycle(db: TownDb, from: string, to: string): boolean {
  if (from === to) return true;
  const hit = db.get<{ hit: number } | undefined>(sql`
    WITH RECURSIVE reach(id) AS (
      SELECT ${to}
      UNION
      SELECT d.depends_on_id FROM bead_deps d JOIN reach r ON d.bead_id = r.id
      WHERE d.type IN ('blocks', 'parent-child')
    )
    SELECT 1 AS hit FROM reach WHERE id = ${from} LIMIT 1`);
  return hit !== undefined;
}

function findDep(db: TownDb, beadId: string, dependsOnId: string, type: DepType) {
  return db
    .select()
    .from(beadDeps)
    .where(and(eq(beadDeps.beadId, beadId), eq(beadDeps.dependsOnId, dependsOnId), eq(beadDeps.type, type)))
    .get();
}

/**
 * Inserts an edge with its audit event after all checks; the caller holds the transaction
 * and announces the change. Returns the edge, and whether it is new (adding twice is a no-op).
 */
export function insertDependency(db: TownDb, beadId: string, dependsOnId: string, type: DepType, actor: Actor, now: number): { dep: BeadDep; created: boolean } {
  if (beadId === dependsOnId) throw badRequest(`a bead cannot depend on itself (${beadId})`);
  const child = requireBeadRow(db, beadId);
  requireBeadRow(db, dependsOnId);
  const existing = findDep(db, beadId, dependsOnId, type);
  if (existing) return { dep: BeadDep.parse(existing), created: false };
  if (ORDERING.includes(type) && wouldCycle(db, beadId, dependsOnId)) {
    throw new GastownError("cycle", `${beadId} -> ${dependsOnId} (${type}) would create a dependency cycle`, {
      details: { beadId, dependsOnId, type },
    });
  }
  if (type === "parent-child") {
    if (child.parentId !== null && child.parentId !== dependsOnId) throw conflict(`${beadId} already has parent ${child.parentId}`);
    db.update(beads).set({ parentId: dependsOnId, updatedAt: now }).where(eq(beads.id, beadId)).run();
  }
  const row = db.insert(beadDeps).values({ beadId, dependsOnId, type, createdAt: now }).returning().get();
  appendBeadEvent(db, beadId, "dep_added", actor, { dependsOnId, type }, now);
  return { dep: BeadDep.parse(row), created: true };
}

function announce(db: TownDb, beadId: string, actor: Actor, now: number): void {
  const row = db.update(beads).set({ updatedAt: now }).where(eq(beads.id, beadId)).returning().get();
  if (!row) return;
  const bead = toBead(row);
  appendTownEvent(db, { type: "bead_updated", beadId, rigId: bead.rigId, actor, data: { bead, changed: ["dependencies"] } }, now);
}

/** Adds `beadId` depends-on `dependsOn`; refuses self-dependencies (bad_request) and cycles (cycle). */
export function addDependency(db: TownDb, input: AddDependencyInput, now: number): BeadDep {
  const req = parseInput(AddDependencyInput, input, "dependency");
  return inTransaction(db, () => {
    const { dep, created } = insertDependency(db, req.beadId, req.dependsOn, req.type, req.actor, now);
    if (created) announce(db, req.beadId, req.actor, now);
    return dep;
  });
}

/** Removes one edge; false if it did not exist. A removed parent-child edge clears the parent. */
export function removeDependency(db: TownDb, beadId: string, dependsOnId: string, type: DepType, actor: Actor, now: number): boolean {
  const depType = parseInput(DepType, type, "dependency type");
  return inTransaction(db, () => {
    const gone = db
      .delete(beadDeps)
      .where(and(eq(beadDeps.beadId, beadId), eq(beadDeps.dependsOnId, dependsOnId), eq(beadDeps.type, depType)))
      .returning()
      .get();
    if (!gone) return false;
    if (depType === "parent-child") {
      db.update(beads)
        .set({ parentId: null })
        .where(and(eq(beads.id, beadId), eq(beads.parentId, dependsOnId)))
        .run();
    }
    appendBeadEvent(db, beadId, "dep_removed", actor, { dependsOnId, type: depType }, now);
    announce(db, beadId, actor, now);
    return true;
  });
}

/** Edges out of a bead (what it depends on) and into it (what depends on it). */
export function listDependencies(db: TownDb, beadId: string): { dependsOn: BeadDep[]; dependents: BeadDep[] } {
  requireBeadRow(db, beadId);
  const out = db.select().from(beadDeps).where(eq(beadDeps.beadId, beadId)).orderBy(asc(beadDeps.createdAt)).all();
  const inbound = db.select().from(beadDeps).where(eq(beadDeps.dependsOnId, beadId)).orderBy(asc(beadDeps.createdAt)).all();
  return { dependsOn: out.map((r) => BeadDep.parse(r)), dependents: inbound.map((r) => BeadDep.parse(r)) };
}
