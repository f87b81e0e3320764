import type { TownEventOf } from "../../core/events";
import { targetToMention } from "../commands/mentions";
import { escalationStateMessage, heldMessage, pingMessage } from "../escalation-messages";
import { type ProjectionKit, refKeys } from "./kit";

/**
 * Escalation events -> chat. Pings (raised, re-escalated, re-sent) are posted once each and
 * mention their targets; a held one gets a quiet note; acks, snoozes and resolutions edit the
 * latest ping's card in place.
 */

type PingEvent = TownEventOf<"escalation_raised"> | TownEventOf<"escalation_reescalated">;
type StateEvent = TownEventOf<"escalation_acked"> | TownEventOf<"escalation_resolved"> | TownEventOf<"escalation_snoozed">;

/** The time zone of the quiet hours that apply (the rig's own, else the town's), for "held until 08:00". */
async function quietZone(kit: ProjectionKit, rigId: string | null): Promise<string | undefined> {
  const own = rigId ? await kit.town.getQuietHours(rigId) : null;
  return (own ?? (await kit.town.getQuietHours()))?.timeZone;
}

/** The on-call ping: a new message mentioning this event's targets (a re-escalation's are the NEW ones). */
export async function projectPing(kit: ProjectionKit, event: PingEvent): Promise<void> {
  const place = await kit.placeFor(event.beadId, event.rigId);
  if (!place) {
    kit.log.warn("escalation has no thread or rig channel on this platform", { seq: event.seq });
    return;
  }
  const d = event.data;
  const mentions = d.targets.map((t) => targetToMention(kit.platform, t)).filter((m): m is string => m !== null);
  let facts = { escalationId: d.escalationId, severity: d.severity, title: d.title ?? `escalation ${d.escalationId}`, body: "", source: "re-escalation" };
  if (event.type === "escalation_raised") facts = { ...facts, title: event.data.title, body: event.data.body, source: event.data.source };
  else {
    // A re-ping carries no body: the town keeps it, and whoever is pinged now needs it.
    const e = await kit.town.getEscalation(d.escalationId);
    if (e) facts = { ...facts, title: e.title, body: e.body ?? "", source: e.source ?? facts.source };
  }
  const msg = pingMessage({
    ...facts,
    mentions,
    ...(event.type === "escalation_reescalated" ? { reescalations: event.data.count, ...(event.data.from ? { from: event.data.from } : {}) } : {}),
    ...(d.attempt ? { attempt: d.attempt } : {}),
  });
  await kit.postOnce(event, place, msg, refKeys.escalation(d.escalationId));
}

/** Quiet hours hold a low/medium ping: say so without waking anyone. */
export async function projectHeld(kit: ProjectionKit, event: TownEventOf<"escalation_held">): Promise<void> {
  const place = await kit.placeFor(event.beadId, event.rigId);
  if (!place) return;
  const d = event.data;
  const timeZone = await quietZone(kit, event.rigId);
  const msg = heldMessage({ ...d, until: d.until, ...(timeZone ? { timeZone } : {}), now: event.at });
  await kit.postOnce(event, place, msg, refKeys.escalation(d.escalationId));
}

/**
 * Ack, resolve or snooze: edit the escalation's latest card to where it stands now (from the
 * town, so a replayed old event never turns a resolved card back into an acknowledged one).
 */
export async function projectEscalationState(kit: ProjectionKit, event: StateEvent): Promise<void> {
  const { town } = kit;
  const ref = await town.chatRef(kit.platform, refKeys.escalation(event.data.escalationId));
  if (!ref) return;
  const e = await town.getEscalation(event.data.escalationId);
  if (!e) return;
  // People read names; the town keeps ids. The event's actor names the person who just acted.
  const name = (id: string | null | undefined) => (id && event.actor?.id === id ? (event.actor.name ?? id) : (id ?? "someone"));
  const timeZone = e.snoozedUntil ? await quietZone(kit, e.rigId ?? event.rigId) : undefined;
  const msg = escalationStateMessage({
    escalationId: e.id,
    severity: e.severity,
    title: e.title,
    body: e.body ?? "",
    source: e.source ?? "",
    acked: e.ackedBy ? { by: name(e.ackedBy) } : null,
    resolved: e.resolvedBy ? { by: name(e.resolvedBy) } : null,
    snoozed: e.snoozedUntil && e.snoozedUntil >= event.at ? { by: name(e.snoozedBy), until: e.snoozedUntil } : null,
    ...(e.reescalations ? { reescalations: e.reescalations } : {}),
    ...(timeZone ? { timeZone } : {}),
    now: event.at,
  });
  await kit.edited(ref, msg);
}
