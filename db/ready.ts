import { and, asc, eq, inArray, isNotNull, ne, notExists, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { type Bead, WorkBeadType } from "../core/domain";
import type { TownDb } from "./client";
import { toBead } from "./bead-rows";
import { parseInput } from "./input";
import { beadDeps, beads } from "./schema";

/**
 * The ready queue: work that could start now. Open work beads (task, bug, feature, epic) of
 * a rig with no open `blocks` blocker, most urgent first (P0 before P4), then oldest first.
 * Rigless beads are left out: nothing can dispatch them until they are given a rig.
 * parent-child edges do not block (a molecule's steps are ordered by their blocks edges).
 *
 * The plan walks `beads_ready` (status, priority, created_at) — or `beads_rig_ready` with a
 * rig — in output order, so it stops after `limit` rows, and each candidate's blockers are
 * probed through bead_deps' primary key (bead_id first) and the beads primary key.
 */

const ReadyOptions = z.object({
  rigId: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type ReadyOptions = z.input<typeof ReadyOptions>;

const blocker = alias(beads, "blocker");
const WORK_TYPES: readonly string[] = WorkBeadType.options;

/** Ready work beads, most urgent then oldest first. */
export function readyQueue(db: TownDb, options: ReadyOptions = {}): Bead[] {
  const opts = parseInput(ReadyOptions, options, "ready query");
  return readyQuery(db, opts.rigId, opts.limit).all().map(toBead);
}

/** The query behind readyQueue, exposed so tests and the benchmark can EXPLAIN it. */
export function readyQuery(db: TownDb, rigId: string | undefined, limit: number) {
  const openBlocker = db
    .select({ one: sql`1` })
    .from(beadDeps)
    .innerJoin(blocker, eq(blocker.id, beadDeps.dependsOnId))
    .where(and(eq(beadDeps.beadId, beads.id), eq(beadDeps.type, "blocks"), ne(blocker.status, "closed")));
  return db
    .select()
    .from(beads)
    .where(
      and(
        eq(beads.status, "open"),
        rigId === undefined ? isNotNull(beads.rigId) : eq(beads.rigId, rigId),
        inArray(beads.type, [...WORK_TYPES]),
        notExists(openBlocker),
      ),
    )
    .orderBy(asc(beads.priority), asc(beads.createdAt), asc(beads.id))
    .limit(limit);
}

/** SQLite's plan for the ready query (one line per step), to prove it uses the indexes. */
export function explainReadyQuery(db: TownDb, rigId?: string): string[] {
  const rows = db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${readyQuery(db, rigId, 50).getSQL()}`);
  return rows.map((r) => r.detail);
}
