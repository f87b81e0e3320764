import { and, asc, desc, eq, inArray, isNull, lte, or } from "drizzle-orm";
import { z } from "zod";
import { Actor, MergeState, WorkBeadType } from "../core/domain";
import type { TownEventOf } from "../core/events";
import { conflict, notFound } from "../core/errors";
import { BeadId, beadBranch } from "../core/ids";
import type { TownDb } from "./client";
import { insertBead, requireBeadRow, setBeadStatus } from "./bead-rows";
import { updateBead } from "./beads";
import { parseInput } from "./input";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { getRig } from "./rigs";
import { mergeRequests } from "./schema";
import { inTransaction } from "./tx";

/**
 * Merge requests: a polecat's finished branch waiting in its rig's refinery queue. Each is a
 * `merge_request` bead with a satellite row holding the queue state. One merge request per
 * piece of work: when a rejected branch is fixed and submitted again, the same merge request
 * goes back to the end of the queue (its failed-run count kept), so its thread tells one story.
 *
 * States: queued -> merging -> (awaiting_approval -> queued, approved) -> merged, or
 * rejected / conflict (the bead went back to its polecat) or failed (parked for a person).
 * Every change writes a bead event and a `merge_request_updated` town event in one transaction.
 */

/** States in which a merge request is still in the queue. */
export const OPEN_MERGE_STATES: readonly MergeState[] = ["queued", "merging", "awaiting_approval"];

/** What one refinery run left behind (kept compact: output tails only). */
export const MergeRunSummary = z.object({
  outcome: z.enum(["merged", "conflict", "gates_failed", "nothing_to_merge", "error"]),
  pushed: z.boolean(),
  commit: z.string().nullable(),
  gates: z.array(z.object({ name: z.string(), ok: z.boolean(), exitCode: z.number().int().nullable(), timedOut: z.boolean(), output: z.string() })),
  conflicts: z.array(z.string()),
  diffStat: z.string(),
});
export type MergeRunSummary = z.infer<typeof MergeRunSummary>;

export const MergeRequestView = z.object({
  id: z.string(),
  sourceBeadId: z.string(),
  sourceTitle: z.string(),
  rigId: z.string(),
  rig: z.string(),
  branch: z.string(),
  target: z.string(),
  state: MergeState,
  /** 1-based place in its rig's queue (the one merging is 1); null once it left the queue. */
  position: z.number().int().nullable(),
  attempts: z.number().int(),
  summary: z.string(),
  detail: z.string().nullable(),
  agentId: z.string().nullable(),
  commit: z.string().nullable(),
  /** Gates of the last run: name and whether it passed. */
  gates: z.array(z.object({ name: z.string(), ok: z.boolean() })),
  diffStat: z.string(),
  approvedBy: z.string().nullable(),
  queuedAt: z.number(),
  nextAttemptAt: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type MergeRequestView = z.infer<typeof MergeRequestView>;

export type MergeRequestRow = typeof mergeRequests.$inferSelect;

const SubmitInput = z.object({
  sourceBeadId: BeadId,
  /** The polecat whose branch it is; the bead goes back to it on a rejection. */
  agentId: z.string().min(1).max(100).nullable().default(null),
  summary: z.string().max(10_000).default(""),
  actor: Actor,
});
export type SubmitMergeRequestInput = z.input<typeof SubmitInput>;

const STATE_RANK: Readonly<Record<MergeState, number>> = {
  merging: 0,
  queued: 1,
  awaiting_approval: 2,
  merged: 3,
  rejected: 3,
  conflict: 3,
  failed: 3,
};

function lastRun(row: MergeRequestRow): MergeRunSummary | null {
  const parsed = MergeRunSummary.safeParse(row.result);
  return parsed.success ? parsed.data : null;
}

/** The merge request row with this (merge request bead) id, or undefined. */
export function findMergeRequestRow(db: TownDb, id: string): MergeRequestRow | undefined {
  return db.select().from(mergeRequests).where(eq(mergeRequests.beadId, id)).get();
}

/** The merge request row with this id; `not_found` otherwise. */
export function requireMergeRequestRow(db: TownDb, id: string): MergeRequestRow {
  const row = findMergeRequestRow(db, id);
  if (!row) throw notFound(`merge request ${id}`);
  return row;
}

/** The merge request a bead id names: the merge request bead itself, or the newest one of a work bead. */
export function resolveMergeRequest(db: TownDb, beadId: string): MergeRequestRow {
  const own = findMergeRequestRow(db, beadId);
  if (own) return own;
  const latest = db
    .select()
    .from(mergeRequests)
    .where(eq(mergeRequests.sourceBeadId, beadId))
    .orderBy(desc(mergeRequests.createdAt), desc(mergeRequests.beadId))
    .get();
  if (!latest) throw notFound(`merge request for ${beadId}`);
  return latest;
}

function rank(r: MergeRequestRow): number {
  return STATE_RANK[MergeState.parse(r.state)];
}

function byQueueOrder(a: MergeRequestRow, b: MergeRequestRow): number {
  return rank(a) - rank(b) || a.queuedAt - b.queuedAt || a.beadId.localeCompare(b.beadId);
}

function toView(db: TownDb, row: MergeRequestRow, position: number | null): MergeRequestView {
  const source = requireBeadRow(db, row.sourceBeadId);
  const rig = getRig(db, row.rigId);
  const run = lastRun(row);
  return {
    id: row.beadId,
    sourceBeadId: row.sourceBeadId,
    sourceTitle: source.title,
    rigId: row.rigId,
    rig: rig.name,
    branch: row.branch,
    target: row.target,
    state: MergeState.parse(row.state),
    position,
    attempts: row.attempts,
    summary: row.summary,
    detail: row.detail,
    agentId: row.agentId,
    commit: row.commit,
    gates: (run?.gates ?? []).map((g) => ({ name: g.name, ok: g.ok })),
    diffStat: run?.diffStat ?? "",
    approvedBy: row.approvedBy,
    queuedAt: row.queuedAt,
    nextAttemptAt: row.nextAttemptAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function openRowsOfRig(db: TownDb, rigId: string): MergeRequestRow[] {
  return db
    .select()
    .from(mergeRequests)
    .where(and(eq(mergeRequests.rigId, rigId), inArray(mergeRequests.state, [...OPEN_MERGE_STATES])))
    .all()
    .sort(byQueueOrder);
}

/** A merge request as the API shows it, with its current place in the queue. */
export function mergeRequestView(db: TownDb, id: string): MergeRequestView {
  const row = requireMergeRequestRow(db, id);
  const index = openRowsOfRig(db, row.rigId).findIndex((r) => r.beadId === id);
  return toView(db, row, index < 0 ? null : index + 1);
}

/**
 * The merge queue: open merge requests per rig in the order the refinery takes them (the
 * one merging first, then queued oldest first, then those awaiting a person), each with
 * its 1-based position. `all` appends the finished ones (newest last, at most 50).
 */
export function listMergeQueue(db: TownDb, opts: { rigId?: string; all?: boolean } = {}): MergeRequestView[] {
  const rows = db
    .select()
    .from(mergeRequests)
    .where(and(opts.rigId === undefined ? undefined : eq(mergeRequests.rigId, opts.rigId), inArray(mergeRequests.state, [...OPEN_MERGE_STATES])))
    .all();
  const byRig = new Map<string, MergeRequestRow[]>();
  for (const r of rows) byRig.set(r.rigId, [...(byRig.get(r.rigId) ?? []), r]);
  const out: MergeRequestView[] = [];
  for (const rigId of [...byRig.keys()].sort()) {
    (byRig.get(rigId) ?? []).sort(byQueueOrder).forEach((r, i) => {
      out.push(toView(db, r, i + 1));
    });
  }
  if (!opts.all) return out;
  const done = db
    .select()
    .from(mergeRequests)
    .where(
      and(
        opts.rigId === undefined ? undefined : eq(mergeRequests.rigId, opts.rigId),
        inArray(mergeRequests.state, MergeState.options.filter((s) => !OPEN_MERGE_STATES.includes(s))),
      ),
    )
    .orderBy(desc(mergeRequests.updatedAt), desc(mergeRequests.beadId))
    .limit(50)
    .all()
    .reverse();
  return [...out, ...done.map((r) => toView(db, r, null))];
}

/** Is a merge of this rig in flight? (At most one at a time.) */
export function mergingRow(db: TownDb, rigId: string): MergeRequestRow | undefined {
  return db
    .select()
    .from(mergeRequests)
    .where(and(eq(mergeRequests.rigId, rigId), eq(mergeRequests.state, "merging")))
    .get();
}

/** The queued merge request of the rig the refinery takes next (oldest first, past any backoff). */
export function nextQueued(db: TownDb, rigId: string, now: number): MergeRequestRow | undefined {
  return db
    .select()
    .from(mergeRequests)
    .where(
      and(
        eq(mergeRequests.rigId, rigId),
        eq(mergeRequests.state, "queued"),
        or(isNull(mergeRequests.nextAttemptAt), lte(mergeRequests.nextAttemptAt, now)),
      ),
    )
    .orderBy(asc(mergeRequests.queuedAt), asc(mergeRequests.beadId))
    .get();
}

/** The earliest future time a backed-off merge request of any rig may run again, or null. */
export function nextBackoffAt(db: TownDb, now: number): number | null {
  let at: number | null = null;
  for (const r of db.select().from(mergeRequests).where(eq(mergeRequests.state, "queued")).all()) {
    if (r.nextAttemptAt !== null && r.nextAttemptAt > now && (at === null || r.nextAttemptAt < at)) at = r.nextAttemptAt;
  }
  return at;
}

/** Changes to one merge request, and what its `merge_request_updated` event says beyond the row. */
export interface MergeChange {
  state: MergeState;
  detail?: string | null;
  attempts?: number;
  result?: MergeRunSummary | null;
  commit?: string | null;
  approvedBy?: string | null;
  approvedAt?: number | null;
  nextAttemptAt?: number | null;
  queuedAt?: number;
  summary?: string;
  /** Shown as who decided (approve / reject by a person). */
  by?: string;
}

/** The `merge_request_updated` payload of a row (with its last run's gates, changes and conflicts). */
export function mergeEventData(row: MergeRequestRow, by?: string): TownEventOf<"merge_request_updated">["data"] {
  const run = lastRun(row);
  return {
    mergeRequestId: row.beadId,
    sourceBeadId: row.sourceBeadId,
    branch: row.branch,
    state: MergeState.parse(row.state),
    detail: row.detail,
    target: row.target,
    attempts: row.attempts,
    ...(run ? { gates: run.gates, diffStat: run.diffStat, conflicts: run.conflicts } : {}),
    commit: row.commit,
    ...(by === undefined ? {} : { by }),
  };
}

/**
 * Applies one change to a merge request in the caller's transaction: the row, its bead's
 * status (in_progress while merging, closed once merged), a `merge_state` bead event and the
 * `merge_request_updated` town event in the source bead's thread.
 */
export function changeMergeRequestIn(db: TownDb, id: string, change: MergeChange, actor: Actor, now: number): MergeRequestRow {
  const before = requireMergeRequestRow(db, id);
  const patch: Partial<MergeRequestRow> = { state: change.state, updatedAt: now };
  if (change.detail !== undefined) patch.detail = change.detail;
  if (change.attempts !== undefined) patch.attempts = change.attempts;
  if (change.result !== undefined) patch.result = change.result;
  if (change.commit !== undefined) patch.commit = change.commit;
  if (change.approvedBy !== undefined) patch.approvedBy = change.approvedBy;
  if (change.approvedAt !== undefined) patch.approvedAt = change.approvedAt;
  if (change.nextAttemptAt !== undefined) patch.nextAttemptAt = change.nextAttemptAt;
  if (change.queuedAt !== undefined) patch.queuedAt = change.queuedAt;
  if (change.summary !== undefined) patch.summary = change.summary;
  const row = db.update(mergeRequests).set(patch).where(eq(mergeRequests.beadId, id)).returning().get();
  if (!row) throw notFound(`merge request ${id}`);
  const beadStatus = change.state === "merged" ? "closed" : change.state === "merging" ? "in_progress" : "open";
  if (requireBeadRow(db, id).status !== beadStatus) setBeadStatus(db, id, beadStatus, actor, now, { mergeState: change.state });
  appendBeadEvent(db, id, "merge_state", actor, { from: before.state, to: change.state, detail: row.detail, attempts: row.attempts, by: change.by ?? null }, now);
  appendTownEvent(db, { type: "merge_request_updated", beadId: row.sourceBeadId, rigId: row.rigId, actor, data: mergeEventData(row, change.by) }, now);
  return row;
}

/**
 * Puts a polecat's finished work in its rig's merge queue (gt_done, or a polecat that exited
 * with commits) in the caller's transaction. The source bead moves to `review`. A merge
 * request still open for the bead just takes the new summary; one that was sent back
 * (rejected, conflict, failed) is queued again at the end of the queue.
 */
export function submitMergeRequestIn(db: TownDb, input: SubmitMergeRequestInput, now: number): MergeRequestRow {
  const req = parseInput(SubmitInput, input, "merge request");
  const actor = req.actor;
  const source = requireBeadRow(db, req.sourceBeadId);
  if (!WorkBeadType.safeParse(source.type).success) throw conflict(`${source.id} is a ${source.type}, not work that can be merged`);
  if (source.status === "closed") throw conflict(`${source.id} is closed`);
  if (source.rigId === null) throw conflict(`${source.id} belongs to no rig, so there is nothing to merge it into`);
  const rig = getRig(db, source.rigId);
  const existing = db
    .select()
    .from(mergeRequests)
    .where(eq(mergeRequests.sourceBeadId, source.id))
    .orderBy(desc(mergeRequests.createdAt), desc(mergeRequests.beadId))
    .get();
  if (source.status !== "review") updateBead(db, source.id, { status: "review", actor }, now);
  const summary = req.summary;
  const agentId = req.agentId ?? existing?.agentId ?? null;
  if (existing && OPEN_MERGE_STATES.includes(MergeState.parse(existing.state))) {
    db.update(mergeRequests).set({ summary, agentId, updatedAt: now }).where(eq(mergeRequests.beadId, existing.beadId)).run();
    appendBeadEvent(db, existing.beadId, "resubmitted", actor, { state: existing.state }, now);
    return requireMergeRequestRow(db, existing.beadId);
  }
  if (existing && existing.state !== "merged") {
    db.update(mergeRequests).set({ agentId }).where(eq(mergeRequests.beadId, existing.beadId)).run();
    return changeMergeRequestIn(
      db,
      existing.beadId,
      { state: "queued", summary, queuedAt: now, detail: `submitted again by ${actor.id}`, approvedBy: null, approvedAt: null, nextAttemptAt: null },
      actor,
      now,
    );
  }
  const branch = beadBranch(source.id);
  const bead = insertBead(
    db,
    { type: "merge_request", title: `Merge ${branch} into ${rig.defaultBranch}`.slice(0, 300), body: summary, rigId: rig.id, assignee: agentId },
    actor,
    now,
  );
  db.insert(mergeRequests)
    .values({
      beadId: bead.id,
      sourceBeadId: source.id,
      rigId: rig.id,
      branch,
      target: rig.defaultBranch,
      state: "queued",
      attempts: 0,
      summary,
      detail: null,
      result: null,
      commit: null,
      agentId,
      queuedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .run();
  appendBeadEvent(db, source.id, "merge_requested", actor, { mergeRequestId: bead.id, branch, target: rig.defaultBranch }, now);
  const row = requireMergeRequestRow(db, bead.id);
  appendTownEvent(db, { type: "merge_request_updated", beadId: source.id, rigId: rig.id, actor, data: mergeEventData(row) }, now);
  return row;
}

/** submitMergeRequestIn in its own transaction; returns the queue view. */
export function createMergeRequest(db: TownDb, input: SubmitMergeRequestInput, now: number): MergeRequestView {
  const row = inTransaction(db, () => submitMergeRequestIn(db, input, now));
  return mergeRequestView(db, row.beadId);
}

/** Merge requests whose source bead is `beadId` (newest first), e.g. for a bead's card. */
export function mergeRequestsOf(db: TownDb, beadId: string): MergeRequestView[] {
  return db
    .select({ id: mergeRequests.beadId })
    .from(mergeRequests)
    .where(eq(mergeRequests.sourceBeadId, beadId))
    .orderBy(desc(mergeRequests.createdAt))
    .all()
    .map((r) => mergeRequestView(db, r.id));
}
