import type { ChatMessage } from "../../core/chat";
import type { TownEventOf } from "../../core/events";
import type { ProjectionKit } from "./kit";

/**
 * Failures people must see: an agent that could not be started (or restarted) for a bead.
 * One message per bead in its thread, edited with the latest attempt, so a town retrying
 * with backoff does not flood the thread.
 */
export async function projectDispatchFailed(kit: ProjectionKit, event: TownEventOf<"dispatch_failed">): Promise<void> {
  const target = await kit.placeFor(event.beadId, event.rigId);
  if (!target) return;
  const d = event.data;
  const who = d.agentId ? `\`${d.agentId}\`` : "an agent";
  const msg: ChatMessage = {
    text: [
      `⚠️ Could not start ${who}${event.beadId ? ` on \`${event.beadId}\`` : ""} (attempt ${d.attempt}): ${d.error}`,
      "The town retries with a growing pause. Fix the cause, or park the bead with `stop`.",
    ].join("\n"),
  };
  const key = `dispatch:${event.beadId ?? event.rigId ?? "town"}`;
  const existing = await kit.town.chatRef(kit.platform, key);
  if (existing && (await kit.edited(existing, msg))) return;
  const ref = await kit.adapter.post(target, msg);
  await kit.town.setChatRef(kit.platform, key, ref);
}
