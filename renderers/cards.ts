import type { ChatButton, ChatCard, ChatMessage } from "../core/chat";
import type { Actor, AgentStatus, Bead, BeadStatus, MergeState, Severity } from "../core/domain";
import { truncate } from "./limits";
import {
  AGENT_STATUS_TONE,
  BEAD_STATUS_LABEL,
  BEAD_STATUS_TONE,
  MERGE_STATE_LABEL,
  MERGE_STATE_TONE,
  SEVERITY_EMOJI,
  SEVERITY_TONE,
  TONE_EMOJI,
} from "./tones";

/**
 * Platform-neutral cards: bead, merge request, convoy, escalation. Each returns a
 * ChatMessage that renderers turn into Slack blocks, a Discord embed or console lines.
 * Button actions are the names in CARD_ACTIONS; a button's value is the id it acts on.
 */

/** The actions buttons send back; the bot routes presses by these names. */
export const CARD_ACTIONS = {
  beadPeek: "bead_peek",
  beadStop: "bead_stop",
  mrApprove: "mr_approve",
  mrReject: "mr_reject",
  mrRetry: "mr_retry",
  escAck: "esc_ack",
  escResolve: "esc_resolve",
  escSnooze: "esc_snooze",
} as const;
export type CardAction = (typeof CARD_ACTIONS)[keyof typeof CARD_ACTIONS];

/** Card bodies are previews: the thread holds the rest. */
const BODY_PREVIEW = 600;

const code = (s: string): string => `\`${s.replace(/`/g, "ˋ")}\``;

/** A text progress bar: `▰▰▰▱▱▱▱▱▱▱ 3/10 (30%)`. */
export function progressBar(done: number, total: number, width = 10): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  return `${"▰".repeat(filled)}${"▱".repeat(width - filled)} ${done}/${total} (${Math.round(ratio * 100)}%)`;
}

export interface BeadCardContext {
  /** The agent on the bead's hook, e.g. `polecat-1`. */
  agent?: string | null;
  agentStatus?: AgentStatus | null;
  branch?: string | null;
  mergeState?: MergeState | null;
  /** Link to the bead's thread (or the bead page). */
  threadUrl?: string | null;
  rigName?: string | null;
}

/**
 * Who did something, as people read it: a name, or for the mayor also whom it acted for
 * ("the mayor for alice"; the mayor's actor carries `onBehalfOf` as `<name> (<id>)` or an id).
 */
export function actorLabel(actor: Pick<Actor, "kind" | "id" | "name" | "onBehalfOf">): string {
  if (actor.kind === "mayor") return actor.onBehalfOf ? `the mayor for ${actor.onBehalfOf}` : "the mayor";
  return actor.name ?? actor.id;
}

/** The live bead card: the root message of a bead's thread, edited as the bead moves. */
export function beadCard(bead: Bead, ctx: BeadCardContext = {}): ChatMessage {
  const tone = ctx.mergeState ? MERGE_STATE_TONE[ctx.mergeState] : BEAD_STATUS_TONE[bead.status];
  const fields: ChatCard["fields"] = [
    { name: "Status", value: `${TONE_EMOJI[BEAD_STATUS_TONE[bead.status]]} ${BEAD_STATUS_LABEL[bead.status]}`, inline: true },
    { name: "Priority", value: bead.priority, inline: true },
    { name: "Type", value: bead.type, inline: true },
  ];
  if (ctx.agent) {
    const status = ctx.agentStatus ? ` ${TONE_EMOJI[AGENT_STATUS_TONE[ctx.agentStatus]]} ${ctx.agentStatus}` : "";
    fields.push({ name: "Agent", value: `${code(ctx.agent)}${status}`, inline: true });
  }
  if (ctx.branch) fields.push({ name: "Branch", value: code(ctx.branch), inline: true });
  if (ctx.mergeState) fields.push({ name: "Merge", value: MERGE_STATE_LABEL[ctx.mergeState], inline: true });
  if (bead.labels.length > 0) fields.push({ name: "Labels", value: bead.labels.map(code).join(" "), inline: false });
  const card: ChatCard = {
    title: `${bead.id} · ${bead.title}`,
    fields,
    tone,
    footer: [ctx.rigName ? `rig ${ctx.rigName}` : null, `by ${actorLabel(bead.createdBy)}`].filter((s) => s !== null).join(" · "),
  };
  if (ctx.threadUrl) card.url = ctx.threadUrl;
  if (bead.body.trim()) card.body = truncate(bead.body.trim(), BODY_PREVIEW);
  const buttons: ChatButton[] = [];
  if (bead.status === "hooked" || bead.status === "in_progress" || bead.status === "review") buttons.push({ action: CARD_ACTIONS.beadPeek, label: "Peek", value: bead.id });
  if (bead.status === "hooked" || bead.status === "in_progress") buttons.push({ action: CARD_ACTIONS.beadStop, label: "Stop", value: bead.id, style: "danger" });
  return { text: "", card, ...(buttons.length > 0 ? { buttons } : {}) };
}

export interface MergeRequestCardInput {
  mergeRequestId: string;
  sourceBeadId: string;
  sourceTitle?: string;
  branch: string;
  target?: string;
  state: MergeState;
  detail?: string | null;
  /** `git diff --stat` summary. */
  diffStat?: string | null;
  gates?: { name: string; ok: boolean }[];
  url?: string | null;
}

/** A merge request in the refinery queue, with Approve/Reject when it awaits a person. */
export function mergeRequestCard(mr: MergeRequestCardInput): ChatMessage {
  const fields: ChatCard["fields"] = [
    { name: "State", value: `${TONE_EMOJI[MERGE_STATE_TONE[mr.state]]} ${MERGE_STATE_LABEL[mr.state]}`, inline: true },
    { name: "Bead", value: mr.sourceTitle ? `${mr.sourceBeadId} · ${mr.sourceTitle}` : mr.sourceBeadId, inline: true },
  ];
  if (mr.gates?.length) fields.push({ name: "Gates", value: mr.gates.map((g) => `${g.ok ? "✅" : "❌"} ${g.name}`).join("  "), inline: false });
  if (mr.diffStat?.trim()) fields.push({ name: "Changes", value: `\`\`\`\n${truncate(mr.diffStat.trim(), 900)}\n\`\`\``, inline: false });
  const card: ChatCard = {
    title: `Merge ${mr.branch} → ${mr.target ?? "default branch"}`,
    fields,
    tone: MERGE_STATE_TONE[mr.state],
    footer: `merge request ${mr.mergeRequestId}`,
  };
  if (mr.url) card.url = mr.url;
  if (mr.detail?.trim()) card.body = truncate(mr.detail.trim(), BODY_PREVIEW);
  const buttons: ChatButton[] = [];
  if (mr.state === "awaiting_approval") {
    buttons.push({ action: CARD_ACTIONS.mrApprove, label: "Approve", value: mr.mergeRequestId, style: "primary" });
    buttons.push({ action: CARD_ACTIONS.mrReject, label: "Reject", value: mr.mergeRequestId, style: "danger" });
  }
  if (mr.state === "conflict" || mr.state === "failed") buttons.push({ action: CARD_ACTIONS.mrRetry, label: "Retry", value: mr.mergeRequestId });
  return { text: "", card, ...(buttons.length > 0 ? { buttons } : {}) };
}

export interface ConvoyCardInput {
  convoyId: string;
  name: string;
  closed: number;
  total: number;
  landed?: boolean;
  beads?: { id: string; title: string; status: BeadStatus }[];
  url?: string | null;
}

/** Beads listed on a convoy card; more are summarised. */
const CONVOY_BEADS_SHOWN = 15;

/** A convoy's progress; says so plainly when it has landed. */
export function convoyCard(c: ConvoyCardInput): ChatMessage {
  const landed = c.landed ?? (c.total > 0 && c.closed >= c.total);
  const card: ChatCard = {
    title: landed ? `Convoy ${c.name} landed 🎉` : `Convoy ${c.name}`,
    fields: [{ name: "Progress", value: progressBar(c.closed, c.total), inline: false }],
    tone: landed ? "good" : "info",
    footer: `convoy ${c.convoyId}`,
  };
  if (c.url) card.url = c.url;
  if (c.beads?.length) {
    const shown = c.beads.slice(0, CONVOY_BEADS_SHOWN).map((b) => `${TONE_EMOJI[BEAD_STATUS_TONE[b.status]]} ${code(b.id)} ${b.title}`);
    if (c.beads.length > CONVOY_BEADS_SHOWN) shown.push(`… and ${c.beads.length - CONVOY_BEADS_SHOWN} more`);
    card.body = shown.join("\n");
  }
  return { text: "", card };
}

export interface EscalationCardInput {
  escalationId: string;
  severity: Severity;
  title: string;
  body: string;
  /** Who raised it: an agent, the witness, a bead. */
  source: string;
  acked?: { by: string } | null;
  resolved?: { by: string } | null;
  /** How many times it was re-escalated. */
  reescalations?: number;
  /** On-call targets to ping while it is not acknowledged (`user:<id>`, `group:<id>`, `role:<id>`). */
  targets?: string[];
  url?: string | null;
}

/** An escalation: pings on-call until acknowledged; Ack/Resolve/Snooze until resolved. */
export function escalationCard(e: EscalationCardInput): ChatMessage {
  const state = e.resolved ? `✅ Resolved by ${e.resolved.by}` : e.acked ? `👀 Acknowledged by ${e.acked.by}` : "🔔 Waiting for someone";
  const fields: ChatCard["fields"] = [
    { name: "Severity", value: `${SEVERITY_EMOJI[e.severity]} ${e.severity}`, inline: true },
    { name: "Source", value: e.source, inline: true },
    { name: "Status", value: state, inline: true },
  ];
  if (e.reescalations && e.reescalations > 0) fields.push({ name: "Re-escalated", value: `${e.reescalations}×`, inline: true });
  const card: ChatCard = {
    title: `Escalation: ${e.title}`,
    fields,
    tone: e.resolved ? "good" : SEVERITY_TONE[e.severity],
    footer: `escalation ${e.escalationId}`,
  };
  // Once resolved the accent turns green; until then the severity colour shows.
  if (!e.resolved) card.severity = e.severity;
  if (e.url) card.url = e.url;
  if (e.body.trim()) card.body = truncate(e.body.trim(), BODY_PREVIEW);
  const buttons: ChatButton[] = [];
  if (!e.resolved) {
    if (!e.acked) buttons.push({ action: CARD_ACTIONS.escAck, label: "Ack", value: e.escalationId, style: "primary" });
    buttons.push({ action: CARD_ACTIONS.escResolve, label: "Resolve", value: e.escalationId });
    buttons.push({ action: CARD_ACTIONS.escSnooze, label: "Snooze", value: e.escalationId });
  }
  const pinging = !e.acked && !e.resolved && (e.targets?.length ?? 0) > 0;
  return { text: "", card, ...(buttons.length > 0 ? { buttons } : {}), ...(pinging ? { mentions: e.targets } : {}) };
}
