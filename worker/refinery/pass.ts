import type { MergeRequest, MergeResult } from "../../core/container-api";
import type { Rig } from "../../core/domain";
import { errorMessage } from "../../core/errors";
import type { AgentRuntime, Logger } from "../../core/ports";
import { requireBeadRow } from "../../db/bead-rows";
import type { TownDb } from "../../db/client";
import { changeMergeRequestIn, type MergeRequestRow, mergingRow, nextBackoffAt, nextQueued } from "../../db/merge-requests";
import { getRig, listRigs } from "../../db/rigs";
import { inTransaction } from "../../db/tx";
import { judgeMerge, summarizeRun, type Verdict } from "./outcome";
import { DEFAULT_REFINERY_POLICY, REFINERY, type RefineryPolicy } from "./policy";
import { recordRun } from "./record-run";

/**
 * The refinery pass, run on the TownDO alarm after the reconciler: for every rig, take the
 * oldest queued merge request and have the container merge it (AgentRuntime.merge: a
 * detached worktree of the target, the rig's quality gates, then the push). Rigs run side by
 * side; within a rig at most one merge is ever in flight, because a merge request is
 * claimed (`merging`, in a transaction) before the container is called and a rig with a
 * claimed merge takes no other. Policy `approve`: the first run merges and gates without
 * pushing and waits for a person; once approved, the next run merges again onto the
 * target as it is by then, gates again, and pushes.
 */

export interface RefineryContext {
  db: TownDb;
  runtime: AgentRuntime;
  log: Logger;
  /** Current time; merges take a while, so results are stamped when they arrive. */
  now(): number;
  policy?: RefineryPolicy;
}

export interface RefineryReport {
  /** Merge runs started in this pass. */
  runs: number;
  merged: number;
  /** Sent back to the polecat (rejected, conflict) or parked (failed). */
  refused: number;
  awaitingApproval: number;
  /** Refinery errors queued for another try. */
  retried: number;
  /** When the refinery wants to run again (more queued, or a backoff ending); null: not before new work. */
  nextAlarmAt: number | null;
  /** The pass changed town state (the reconciler may have work now: released polecats). */
  changed: boolean;
}

interface Claim {
  row: MergeRequestRow;
  rig: Rig;
  push: boolean;
  message: string;
}

/** How long a claimed merge may take before it counts as lost: every gate's limit plus slack. */
function leaseMs(rig: Rig, policy: RefineryPolicy): number {
  return rig.config.qualityGates.reduce((sum, g) => sum + g.timeoutSec * 1000, 0) + policy.leaseSlackMs;
}

/** Claims the rig's next merge (queued -> merging), unless one is already in flight. */
function claimNext(db: TownDb, rigId: string, now: number): Claim | null {
  return inTransaction(db, () => {
    if (mergingRow(db, rigId)) return null;
    const next = nextQueued(db, rigId, now);
    if (!next) return null;
    const rig = getRig(db, rigId);
    const push = rig.config.mergePolicy === "auto" || next.approvedBy !== null;
    const detail = push ? `merging into ${next.target}` : `checking that it merges into ${next.target} and passes its gates (not pushed until approved)`;
    const row = changeMergeRequestIn(db, next.beadId, { state: "merging", detail }, REFINERY, now);
    const title = requireBeadRow(db, row.sourceBeadId).title;
    return { row, rig, push, message: `Merge ${row.branch}: ${title}`.slice(0, 2000) };
  });
}

function mergeRequestFor(c: Claim): MergeRequest {
  const { rig, row } = c;
  return {
    rig: { id: rig.id, name: rig.name, gitUrl: rig.gitUrl, defaultBranch: rig.defaultBranch },
    branch: row.branch,
    target: row.target,
    gates: rig.config.qualityGates,
    push: c.push,
    message: c.message,
  };
}

/** A merge claimed longer ago than its lease is treated as a lost run (counted, retried). */
function recoverLost(ctx: RefineryContext, rig: Rig, policy: RefineryPolicy): boolean {
  const now = ctx.now();
  const stuck = mergingRow(ctx.db, rig.id);
  if (!stuck || now - stuck.updatedAt < leaseMs(rig, policy)) return false;
  ctx.log.warn("merge lost, queued again", { mergeRequestId: stuck.beadId, rig: rig.name });
  recordRun(ctx.db, stuck.beadId, { kind: "retry", detail: `the merge of ${stuck.branch} never reported back (the refinery restarted?)` }, null, policy, now);
  return true;
}

async function runOne(ctx: RefineryContext, claim: Claim, policy: RefineryPolicy, report: RefineryReport): Promise<void> {
  const { row } = claim;
  let verdict: Verdict;
  let result: MergeResult | null = null;
  try {
    result = await ctx.runtime.merge(mergeRequestFor(claim));
    verdict = judgeMerge(result, { branch: row.branch, target: row.target, push: claim.push });
  } catch (e) {
    verdict = { kind: "retry", detail: `the refinery could not reach the container to merge ${row.branch}: ${errorMessage(e)}` };
  }
  const record = recordRun(ctx.db, row.beadId, verdict, result === null ? null : summarizeRun(result, claim.push), policy, ctx.now());
  report.runs++;
  if (record === null) return;
  if (record.state === "merged") report.merged++;
  else if (record.state === "awaiting_approval") report.awaitingApproval++;
  else if (record.state === "queued") report.retried++;
  else report.refused++;
  ctx.log.info("merge run", { mergeRequestId: row.beadId, rig: claim.rig.name, state: record.state, push: claim.push });
}

async function refineRig(ctx: RefineryContext, rig: Rig, policy: RefineryPolicy, report: RefineryReport): Promise<boolean> {
  if (recoverLost(ctx, rig, policy)) report.changed = true;
  for (let i = 0; i < policy.mergesPerPass; i++) {
    const claim = claimNext(ctx.db, rig.id, ctx.now());
    if (claim === null) return false;
    report.changed = true;
    await runOne(ctx, claim, policy, report);
  }
  return nextQueued(ctx.db, rig.id, ctx.now()) !== undefined;
}

/** One refinery pass over every rig; never throws for one merge's failure (it is recorded). */
export async function runRefinery(ctx: RefineryContext): Promise<RefineryReport> {
  const policy = ctx.policy ?? DEFAULT_REFINERY_POLICY;
  const report: RefineryReport = { runs: 0, merged: 0, refused: 0, awaitingApproval: 0, retried: 0, nextAlarmAt: null, changed: false };
  const more = await Promise.all(listRigs(ctx.db).map((rig) => refineRig(ctx, rig, policy, report)));
  const now = ctx.now();
  const wake: number[] = [];
  if (more.some(Boolean)) wake.push(now);
  const backoff = nextBackoffAt(ctx.db, now);
  if (backoff !== null) wake.push(backoff);
  // A merge claimed by a run that never came back is recovered when its lease ends.
  for (const rig of listRigs(ctx.db)) {
    const inFlight = mergingRow(ctx.db, rig.id);
    if (inFlight) wake.push(Math.max(now, inFlight.updatedAt + leaseMs(rig, policy)));
  }
  report.nextAlarmAt = wake.length === 0 ? null : Math.min(...wake);
  return report;
}
