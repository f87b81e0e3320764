import type { ChatCard, ChatMessage } from "../core/chat";
import type { Severity } from "../core/domain";
import { escalationCard } from "../renderers/cards";
import { formatAt, targetLabel } from "./time-format";

/**
 * The messages of an escalation's life in a thread: the ping (mentions on-call, Ack / Resolve
 * / Snooze), the quiet note while quiet hours hold it (no mentions), and the same card edited
 * as people acknowledge, snooze or resolve it. The text is the push notification people see
 * before they open the thread, so it says what happened in words.
 */

export interface EscalationFacts {
  escalationId: string;
  severity: Severity;
  title: string;
  body: string;
  source: string;
}

const SEV = (s: Severity) => s.toUpperCase();

function withFields(msg: ChatMessage, fields: ChatCard["fields"]): ChatMessage {
  return msg.card ? { ...msg, card: { ...msg.card, fields: [...msg.card.fields, ...fields] } } : msg;
}

/** The shared escalation card of `e`'s facts, plus what this message adds. */
function factsCard(e: EscalationFacts, extra: Omit<Parameters<typeof escalationCard>[0], keyof EscalationFacts>): ChatMessage {
  return escalationCard({ escalationId: e.escalationId, severity: e.severity, title: e.title, body: e.body, source: e.source, ...extra });
}

/**
 * The on-call ping. `mentions` are the chat port's forms (`user:U1`, `group:S1`, `role:7`);
 * a re-escalation says from which severity it was bumped; a re-send after a failed delivery
 * (`attempt` > 1) says it is the same ping again.
 */
export function pingMessage(e: EscalationFacts & { mentions: string[]; reescalations?: number; from?: Severity; attempt?: number }): ChatMessage {
  const card = factsCard(e, { targets: e.mentions, ...(e.reescalations ? { reescalations: e.reescalations } : {}) });
  const head = e.reescalations
    ? `Escalation re-escalated to ${SEV(e.severity)}${e.from && e.from !== e.severity ? ` (was ${SEV(e.from)})` : ""}, ${e.reescalations}× unacknowledged`
    : `Escalation ${SEV(e.severity)}`;
  const again = e.attempt && e.attempt > 1 ? " (sent again: the last ping did not get through)" : "";
  return { ...card, text: `${head}: ${e.title}${again}` };
}

/** Raised during quiet hours: a quiet note without mentions; the ping follows at `until`. */
export function heldMessage(e: EscalationFacts & { targets: string[]; until: number; timeZone?: string; now?: number }): ChatMessage {
  const when = formatAt(e.until, e.timeZone, e.now);
  const card = factsCard(e, {});
  const fields: ChatCard["fields"] = [{ name: "Held until", value: `${when} (quiet hours)`, inline: true }];
  if (e.targets.length > 0) fields.push({ name: "Then pings", value: e.targets.map(targetLabel).join(", "), inline: true });
  // No `mentions`: nobody is woken up; the ping at the end of the window mentions them.
  const { mentions: _none, ...quiet } = withFields(card, fields);
  return { ...quiet, text: `Escalation ${SEV(e.severity)} held until ${when} (quiet hours): ${e.title}` };
}

/** Where an escalation stands, for editing its card (never mentions anyone). */
export interface EscalationState extends EscalationFacts {
  acked?: { by: string } | null;
  resolved?: { by: string } | null;
  snoozed?: { by: string; until: number } | null;
  reescalations?: number;
  timeZone?: string;
  now?: number;
}

/** The escalation's card after a person acted on it: acknowledged, snoozed or resolved. */
export function escalationStateMessage(e: EscalationState): ChatMessage {
  const card = factsCard(e, { acked: e.acked ?? null, resolved: e.resolved ?? null, ...(e.reescalations ? { reescalations: e.reescalations } : {}) });
  const snoozed = e.snoozed && !e.resolved ? e.snoozed : null;
  const msg = snoozed ? withFields(card, [{ name: "Snoozed", value: `until ${formatAt(snoozed.until, e.timeZone, e.now)} by ${snoozed.by}`, inline: true }]) : card;
  const state = e.resolved
    ? ` — resolved by ${e.resolved.by}`
    : e.acked
      ? ` — acknowledged by ${e.acked.by}`
      : snoozed
        ? ` — snoozed until ${formatAt(snoozed.until, e.timeZone, e.now)} by ${snoozed.by}`
        : "";
  const { mentions: _none, ...quiet } = msg;
  return { ...quiet, text: `Escalation ${SEV(e.severity)}: ${e.title}${state}` };
}
