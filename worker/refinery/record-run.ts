import type { MergeState } from "../../core/domain";
import { closeBeadIn } from "../../db/beads";
import type { TownDb } from "../../db/client";
import { raiseEscalation } from "../../db/escalations";
import { changeMergeRequestIn, type MergeRequestRow, type MergeRunSummary, requireMergeRequestRow } from "../../db/merge-requests";
import { inTransaction } from "../../db/tx";
import type { Verdict } from "./outcome";
import { errorBackoffMs, LLM_REVIEW, REFINERY, REFINERY_SOURCE, type RefineryPolicy } from "./policy";
import { sendBackToPolecat } from "./send-back";

/**
 * Records what one merge run came to, atomically: the merge request's new state, and what
 * follows from it. Merged: the source bead closes (its polecat is released, its convoys move
 * and land). Sent back: the bead returns to its polecat with the reason as mail. A refinery
 * error: queued again after a backoff. After `maxAttempts` failed runs: parked as `failed`
 * and a high escalation asks a person, with the gate output in its metadata.
 */

export interface RunRecord {
  state: MergeState;
  /** The escalation raised when the merge request ran out of attempts. */
  escalationId: string | null;
  /** The polecat that got the reason as mail, when the work was sent back. */
  mailedAgentId: string | null;
}

function escalate(db: TownDb, row: MergeRequestRow, verdict: Verdict, summary: MergeRunSummary | null, now: number): string {
  const failed = summary?.gates.filter((g) => !g.ok) ?? [];
  const esc = raiseEscalation(
    db,
    {
      severity: "high",
      title: `Merge of ${row.branch} failed ${row.attempts} times`.slice(0, 300),
      body: `The refinery could not merge ${row.branch} (${row.sourceBeadId}) into ${row.target} after ${row.attempts} attempts. Last result:\n\n${verdict.detail}\n\nApprove the merge request to retry it, or reject it to send the bead back to its polecat.`,
      beadId: row.sourceBeadId,
      rig: row.rigId,
      metadata: {
        mergeRequestId: row.beadId,
        branch: row.branch,
        target: row.target,
        attempts: row.attempts,
        outcome: summary?.outcome ?? "error",
        gates: failed.map((g) => ({ name: g.name, exitCode: g.exitCode, timedOut: g.timedOut, output: g.output })),
        conflicts: summary?.conflicts ?? [],
      },
      actor: REFINERY,
      source: REFINERY_SOURCE,
    },
    now,
  );
  return esc.id;
}

/** Applies a run's verdict to a merge request that is `merging`; anything else was decided meanwhile and is left alone. */
export function recordRun(db: TownDb, mrId: string, verdict: Verdict, summary: MergeRunSummary | null, policy: RefineryPolicy, now: number): RunRecord | null {
  return inTransaction(db, () => {
    const before = requireMergeRequestRow(db, mrId);
    if (before.state !== "merging") return null;
    if (verdict.kind === "merged") {
      const row = changeMergeRequestIn(db, mrId, { state: "merged", detail: verdict.detail, result: summary, commit: summary?.commit ?? null, nextAttemptAt: null }, REFINERY, now);
      closeBeadIn(db, row.sourceBeadId, `merged into ${row.target}${row.commit ? ` as ${row.commit.slice(0, 12)}` : ""}`, REFINERY, now);
      return { state: "merged", escalationId: null, mailedAgentId: null };
    }
    if (verdict.kind === "awaiting_approval") {
      changeMergeRequestIn(db, mrId, { state: "awaiting_approval", detail: verdict.detail, result: summary, nextAttemptAt: null }, REFINERY, now);
      return { state: "awaiting_approval", escalationId: null, mailedAgentId: null };
    }
    if (verdict.kind === "reviewed") {
      changeMergeRequestIn(
        db,
        mrId,
        { state: "queued", approvedBy: LLM_REVIEW, approvedAt: now, detail: verdict.detail, result: summary, nextAttemptAt: null, by: LLM_REVIEW },
        REFINERY,
        now,
      );
      return { state: "queued", escalationId: null, mailedAgentId: null };
    }
    const attempts = before.attempts + 1;
    if (attempts >= policy.maxAttempts) {
      const parked = changeMergeRequestIn(
        db,
        mrId,
        { state: "failed", attempts, result: summary ?? undefined, detail: `${verdict.detail}\n\nGave up after ${attempts} attempts; a person was asked.` },
        REFINERY,
        now,
      );
      return { state: "failed", escalationId: escalate(db, parked, verdict, summary, now), mailedAgentId: null };
    }
    if (verdict.kind === "retry") {
      const at = now + errorBackoffMs(policy, attempts);
      changeMergeRequestIn(db, mrId, { state: "queued", attempts, detail: `${verdict.detail} (trying again at ${new Date(at).toISOString()})`, nextAttemptAt: at }, REFINERY, now);
      return { state: "queued", escalationId: null, mailedAgentId: null };
    }
    const row = changeMergeRequestIn(db, mrId, { state: verdict.state, attempts, detail: verdict.detail, result: summary, nextAttemptAt: null }, REFINERY, now);
    const mailedAgentId = sendBackToPolecat(db, row, { subject: verdict.mail.subject.slice(0, 300), body: verdict.mail.body }, now);
    return { state: verdict.state, escalationId: null, mailedAgentId };
  });
}
