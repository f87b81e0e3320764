import type { z } from "zod";
import type { MergeState } from "../../core/domain";
import { conflict, GastownError } from "../../core/errors";
import { MergeDecisionRequest } from "../../core/town-api";
import type { TownDb } from "../../db/client";
import { parseInput } from "../../db/input";
import { changeMergeRequestIn, type MergeRequestView, mergeRequestView, resolveMergeRequest } from "../../db/merge-requests";
import { getRig } from "../../db/rigs";
import { inTransaction } from "../../db/tx";
import { mayDecide } from "./approvers";
import { sendBackToPolecat } from "./send-back";

/**
 * A person's Approve / Reject on a merge request (a button in the bead thread, or
 * `/gt merge <bead> [--reject reason]`). Only the rig's approvers may decide; anyone else is
 * refused with `forbidden` and nothing changes.
 *
 * Approve: a merge awaiting approval goes back to the queue approved (the refinery merges it
 * again onto the target as it is then, gates it, and pushes); a `failed` one (parked after too
 * many attempts) is queued for another try. Reject: a merge still in the queue, awaiting
 * approval or parked is rejected and its bead goes back to its polecat with the reason as mail.
 */

const WHY_NOT: Partial<Record<MergeState, string>> = {
  queued: "is already in the merge queue",
  merging: "is being merged right now",
  merged: "is already merged",
  rejected: "was already sent back to its polecat; it comes back with gt_done",
  conflict: "was already sent back to its polecat to resolve conflicts; it comes back with gt_done",
};

/** Applies a person's decision to the merge request `beadId` names (its own id or its work bead's). */
export function decideMerge(db: TownDb, beadId: string, input: z.input<typeof MergeDecisionRequest>, now: number): MergeRequestView {
  const req = parseInput(MergeDecisionRequest, input, "merge decision");
  return inTransaction(db, () => {
    const row = resolveMergeRequest(db, beadId);
    const rig = getRig(db, row.rigId);
    const who = req.actor.name ?? req.actor.id;
    if (!mayDecide(rig.config.approvers, req.actor, req.memberOf)) {
      throw new GastownError("forbidden", `${who} may not approve or reject merges on rig ${rig.name} (approvers: ${rig.config.approvers.join(", ")})`);
    }
    const state = row.state as MergeState;
    const refuse = () => conflict(`the merge of ${row.branch} ${WHY_NOT[state] ?? `is ${state}`}`);
    if (req.decision === "approve") {
      if (state === "awaiting_approval") {
        changeMergeRequestIn(db, row.beadId, { state: "queued", approvedBy: req.actor.id, approvedAt: now, detail: `approved by ${who}`, by: req.actor.id }, req.actor, now);
      } else if (state === "failed") {
        changeMergeRequestIn(
          db,
          row.beadId,
          { state: "queued", approvedBy: null, approvedAt: null, nextAttemptAt: null, queuedAt: now, detail: `retry asked by ${who}`, by: req.actor.id },
          req.actor,
          now,
        );
      } else throw refuse();
      return mergeRequestView(db, row.beadId);
    }
    if (state !== "queued" && state !== "awaiting_approval" && state !== "failed") throw refuse();
    const reason = req.reason?.trim() || "no reason given";
    const rejected = changeMergeRequestIn(db, row.beadId, { state: "rejected", detail: `rejected by ${who}: ${reason}`, nextAttemptAt: null, by: req.actor.id }, req.actor, now);
    sendBackToPolecat(
      db,
      rejected,
      {
        subject: `Merge of ${row.branch} rejected by ${who}`.slice(0, 300),
        body: `${who} rejected the merge of ${row.branch} into ${row.target}: ${reason}\n\nAddress it on your branch, commit, and call gt_done again.`,
      },
      now,
    );
    return mergeRequestView(db, row.beadId);
  });
}
