import type { ChatMessage } from "../../core/chat";
import type { TownEventOf } from "../../core/events";
import { convoyCard } from "../../renderers/cards";
import type { ProjectionKit } from "./kit";

/**
 * Convoy events -> one live card in the channel (progress bar x/y, its beads with their
 * status), edited as beads close; when the convoy lands the card says so and ONE message in
 * the channel announces it (posted once across replays and restarts: `out:<seq>`).
 */

type ConvoyEvent = TownEventOf<"convoy_created"> | TownEventOf<"convoy_progress"> | TownEventOf<"convoy_landed">;

/** The card for a convoy at this event: the event's counts, the beads as the town has them now. */
async function card(kit: ProjectionKit, event: ConvoyEvent): Promise<ChatMessage> {
  const d = event.data;
  const counts =
    event.type === "convoy_created"
      ? { closed: 0, total: event.data.beadIds.length, landed: false }
      : event.type === "convoy_progress"
        ? { closed: event.data.closed, total: event.data.total, landed: false }
        : { closed: event.data.total, total: event.data.total, landed: true };
  const convoy = await kit.town.getConvoy(d.convoyId).catch((e: unknown) => {
    kit.log.warn("convoy beads unavailable; card shows counts only", { convoyId: d.convoyId, error: String(e) });
    return null;
  });
  const beads = convoy?.beads?.map((b) => ({ id: b.id, title: b.title, status: b.status }));
  const msg = convoyCard({ convoyId: d.convoyId, name: d.name, ...counts, ...(beads ? { beads } : {}) });
  const text = counts.landed ? `Convoy ${d.name} landed` : `Convoy ${d.name}: ${counts.closed}/${counts.total} closed`;
  return { ...msg, text };
}

/** The channel a new convoy's card goes to: its rig's, else that of its first bead with a thread. */
async function channelFor(kit: ProjectionKit, event: ConvoyEvent): Promise<string | null> {
  const own = await kit.rigChannel(event.rigId);
  if (own) return own;
  const members = event.type === "convoy_created" ? event.data.beadIds : ((await kit.town.getConvoy(event.data.convoyId)).beadIds ?? []);
  for (const b of members) {
    const bound = await kit.town.threadOfBead(kit.platform, b);
    if (bound) return bound.channelId;
  }
  return null;
}

/** Post the convoy card once (binding it like a bead's card), edit it after; announce the landing once. */
export async function projectConvoy(kit: ProjectionKit, event: ConvoyEvent): Promise<void> {
  const { town, adapter } = kit;
  const d = event.data;
  const msg = await card(kit, event);
  const bound = await town.threadOfBead(kit.platform, d.convoyId);
  let channelId = bound?.channelId ?? null;
  if (!bound?.cardMessageId || !(await kit.edited({ channelId: bound.channelId, messageId: bound.cardMessageId }, msg))) {
    channelId = await channelFor(kit, event);
    if (!channelId) {
      kit.log.warn("convoy has no channel on this platform yet", { convoyId: d.convoyId, seq: event.seq });
      return;
    }
    const ref = await adapter.post({ channelId }, msg);
    const thread = await adapter.openThread(ref, `Convoy ${d.name}`.slice(0, 100));
    await town.bindThread(d.convoyId, { platform: kit.platform, channelId, threadId: thread.threadId ?? ref.messageId, cardMessageId: ref.messageId });
  }
  if (event.type === "convoy_landed" && channelId) {
    await kit.postOnce(event, { channelId }, { text: `🎉 Convoy **${d.name}** landed: all ${event.data.total} of its beads are closed.` });
  }
}
