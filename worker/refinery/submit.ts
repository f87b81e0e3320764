import { findAgent } from "../../db/agents";
import { findBeadRow } from "../../db/bead-rows";
import type { TownDb } from "../../db/client";
import { type MergeRequestRow, submitMergeRequestIn } from "../../db/merge-requests";

/**
 * The other way into the merge queue (besides gt_done): a polecat whose process ended cleanly
 * with commits on its branch that the target lacks, while its bead was still being worked on.
 * The container knows the commits (GitManager.branchAhead) and says so in the `exited`
 * lifecycle callback; without that count (or with a failed exit, which the witness restarts)
 * nothing is queued. Runs in the caller's transaction; returns the merge request, or null.
 */
export function submitExitedWork(db: TownDb, agentId: string, exit: { exitCode: number | null; commitsAhead: number }, now: number): MergeRequestRow | null {
  if (exit.exitCode !== 0 || exit.commitsAhead <= 0) return null;
  const agent = findAgent(db, agentId);
  if (agent?.role !== "polecat" || agent.hookedBeadId === null) return null;
  const bead = findBeadRow(db, agent.hookedBeadId);
  if (!bead || bead.rigId === null || (bead.status !== "in_progress" && bead.status !== "hooked")) return null;
  return submitMergeRequestIn(
    db,
    {
      sourceBeadId: bead.id,
      agentId,
      summary: `${agentId} exited with ${exit.commitsAhead} commit(s) on its branch and did not call gt_done.`,
      actor: { kind: "agent", id: agentId },
    },
    now,
  );
}
