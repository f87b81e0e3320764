import { eq } from "drizzle-orm";
import { findAgent, hookBeadIn } from "../../db/agents";
import { requireBeadRow } from "../../db/bead-rows";
import { updateBead } from "../../db/beads";
import type { TownDb } from "../../db/client";
import { sendMail } from "../../db/mail";
import type { MergeRequestRow } from "../../db/merge-requests";
import { appendBeadEvent } from "../../db/outbox";
import { agents } from "../../db/schema";
import { REFINERY } from "./policy";

/**
 * Sends a merge request's work back to its polecat in the caller's transaction: the bead goes
 * back on the polecat's hook as work in progress (GUPP has the witness restart it if its
 * process ended) and the reason arrives as mail. When the polecat holds other work by now,
 * the bead returns to the ready queue for the next free polecat, the reason kept in its
 * audit trail. Returns the agent that got the mail, or null.
 */
export function sendBackToPolecat(db: TownDb, mr: MergeRequestRow, mail: { subject: string; body: string }, now: number): string | null {
  const source = requireBeadRow(db, mr.sourceBeadId);
  if (source.status === "closed") return null;
  const holder = db.select({ id: agents.id }).from(agents).where(eq(agents.hookedBeadId, source.id)).get();
  let agentId: string | null = holder?.id ?? null;
  if (agentId !== null) {
    if (source.status !== "in_progress") updateBead(db, source.id, { status: "in_progress", actor: REFINERY }, now);
  } else if (mr.agentId !== null && findAgent(db, mr.agentId)?.hookedBeadId === null) {
    // Its hook is free again: the same polecat (same worktree and branch) picks it up.
    hookBeadIn(db, mr.agentId, source.id, REFINERY, now);
    agentId = mr.agentId;
  }
  appendBeadEvent(db, source.id, "merge_sent_back", REFINERY, { mergeRequestId: mr.beadId, subject: mail.subject, agentId }, now);
  if (agentId === null) {
    updateBead(db, source.id, { status: "open", assignee: null, actor: REFINERY }, now);
    return null;
  }
  sendMail(db, { to: agentId, subject: mail.subject, body: mail.body, actor: REFINERY }, now);
  return agentId;
}
