import type { Actor } from "../../core/domain";
import { WorkBeadType } from "../../core/domain";
import { conflict } from "../../core/errors";
import { requireBeadRow } from "../../db/bead-rows";
import type { TownDb } from "../../db/client";
import { type SlingResult, sling } from "../../db/sling";

/**
 * The Retry button (`POST /towns/:town/beads/:bead/retry`): put a bead back to work. An open
 * or parked bead (stopped by a person, or sent back to the ready queue after a failed merge
 * whose polecat had moved on) is slung again on its rig: unparked and hooked to a free
 * polecat, or queued for the next one. A bead already on a hook is being worked on (a failed
 * merge goes back to its polecat with the failure as mail), so there is nothing to retry and
 * the answer says so; a closed bead stays closed.
 */
export function retryBead(db: TownDb, beadId: string, actor: Actor, now: number): SlingResult {
  const row = requireBeadRow(db, beadId);
  if (!WorkBeadType.safeParse(row.type).success) throw conflict(`${beadId} is a ${row.type}, not work that can be retried`);
  if (row.status === "closed") throw conflict(`${beadId} is closed; sling a new bead instead`);
  if (row.status !== "open" && row.status !== "parked") {
    const who = row.assignee ? ` by ${row.assignee}` : "";
    throw conflict(`${beadId} is ${row.status.replace("_", " ")}${who}; it is already being worked on`);
  }
  if (row.rigId === null) throw conflict(`${beadId} belongs to no rig; sling it with --rig`);
  return sling(db, { rig: row.rigId, beadId, actor }, now);
}
