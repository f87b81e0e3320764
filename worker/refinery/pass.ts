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
import type { Reviewer } from "./review";

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
  /** The LLM review of rigs with `review: llm`; null or absent: the town has no model (a person decides). */
  reviewer?: Reviewer | null;
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
  /** A dry run whose patch the LLM review reads before anything is pushed. */
  review: boolean;
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
    // Approved (by a person, or by the LLM review on an auto rig): this run pushes.
    const review = rig.config.review === "llm" && next.approvedBy === null;
    const push = next.approvedBy !== null || (rig.config.mergePolicy === "auto" && !review);
    const detail = push
      ? `merging into ${next.target}`
      : `checking that it merges into ${next.target} and passes its gates (not pushed until ${review ? "reviewed" : "approved"})`;
    const row = changeMergeRequestIn(db, next.beadId, { state: "merging", detail }, REFINERY, now);
    const title = requireBeadRow(db, row.sourceBeadId).title;
    return { row, rig, push, review, message: `Merge ${row.branch}: ${title}`.slice(0, 2000) };
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
    diff: c.review,
  };
}

/**
 * The LLM review of a dry run that merged and passed its gates. Approved: an auto rig's merge
 * goes in on the next run, an approve rig's waits for a person as before (with the review's
 * summary). Changes asked: back to the polecat with the comments. No model, or no usable
 * answer: a person decides (never merged unreviewed).
 */
async function reviewed(ctx: RefineryContext, claim: Claim, result: MergeResult, passed: Verdict): Promise<Verdict> {
  const { row, rig } = claim;
  const bead = requireBeadRow(ctx.db, row.sourceBeadId);
  const person = rig.config.mergePolicy === "approve" ? "an approver decides" : "a person decides (Approve or Reject)";
  if (!ctx.reviewer) return { kind: "awaiting_approval", detail: `${passed.detail}\nLLM review is on for this rig but the town has no model configured: ${person}.` };
  try {
    const v = await ctx.reviewer.review({
      rig: { name: rig.name },
      bead: { id: bead.id, title: bead.title, body: bead.body },
      branch: row.branch,
      target: row.target,
      gates: result.gates,
      diffStat: result.diffStat,
      diff: result.diff ?? "",
    });
    if (!v.approve) {
      return {
        kind: "send_back",
        state: "rejected",
        detail: `the LLM review asks for changes: ${v.summary}`,
        mail: {
          subject: `Merge of ${row.branch} needs changes: ${v.summary}`,
          body: [`The refinery's review of ${row.branch} asks for changes before it merges into ${row.target}:`, "", v.summary, "", v.comments || "(no further comments)", "", "Fix it on your branch, commit, and call gt_done again when it is ready."].join("\n"),
        },
      };
    }
    if (rig.config.mergePolicy === "approve") return { kind: "awaiting_approval", detail: `The LLM review approves: ${v.summary}\n${passed.detail}` };
    return { kind: "reviewed", detail: `approved by the LLM review: ${v.summary}` };
  } catch (e) {
    ctx.log.warn("LLM review failed", { mergeRequestId: row.beadId, error: errorMessage(e) });
    return { kind: "awaiting_approval", detail: `${passed.detail}\nThe LLM review could not run (${errorMessage(e).slice(0, 300)}): ${person}.` };
  }
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
    if (claim.review && verdict.kind === "awaiting_approval") verdict = await reviewed(ctx, claim, result, verdict);
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
