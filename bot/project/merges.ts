import { LLM_REVIEWER } from "../../core/domain";
import type { TownEventOf } from "../../core/events";
import { beadCard, mergeMessage } from "../cards";
import { type ProjectionKit, refKeys } from "./kit";

/** Merge states worth a message in the thread; the others only edit the cards. */
const MERGE_NEWS = new Set(["awaiting_approval", "merged", "rejected", "conflict", "failed"]);

/**
 * A merge request moved: its news goes to the bead thread once (the approval request with
 * Approve / Reject, a result with the gate output or conflicting files), the approval request
 * is edited to the outcome (its buttons go), and the bead card shows the merge state.
 */
export async function projectMerge(kit: ProjectionKit, event: TownEventOf<"merge_request_updated">): Promise<void> {
  const d = event.data;
  const { town } = kit;
  const bound = await town.threadOfBead(kit.platform, d.sourceBeadId);
  if (!bound) return;
  const thread = { channelId: bound.channelId, threadId: bound.threadId };
  const key = refKeys.approval(d.mergeRequestId);
  if (d.state === "awaiting_approval") await kit.postOnce(event, thread, mergeMessage(d), key);
  else {
    const ask = await town.chatRef(kit.platform, key);
    if (ask) await kit.edited(ask, { ...mergeMessage(d), buttons: [] });
    // The LLM review's approval is news too: people see why it goes in without a person.
    if (MERGE_NEWS.has(d.state) || (d.state === "queued" && d.by === LLM_REVIEWER)) await kit.postOnce(event, thread, mergeMessage(d));
  }
  if (bound.cardMessageId) {
    const bead = await town.getBead(d.sourceBeadId);
    await kit.edited({ channelId: bound.channelId, messageId: bound.cardMessageId }, beadCard(bead, { mergeState: d.state }));
  }
}
