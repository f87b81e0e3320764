import type { ChatCard } from "../core/chat";
import type { AgentStatus, BeadStatus, MergeState, Severity } from "../core/domain";

/** Status colours and markers, in one place: every card and platform takes its accent from here. */

export type Tone = NonNullable<ChatCard["tone"]>;

/** Accent colours (Discord embed colour, Slack attachment bar) per tone, as 0xRRGGBB. */
export const TONE_COLOR: Readonly<Record<Tone, number>> = {
  neutral: 0x8b949e,
  good: 0x2eb67d,
  warning: 0xecb22e,
  danger: 0xe01e5a,
  info: 0x36a3f0,
};

/** A coloured marker for platforms without accent colours (Slack blocks, console). */
export const TONE_EMOJI: Readonly<Record<Tone, string>> = {
  neutral: "⚪",
  good: "🟢",
  warning: "🟡",
  danger: "🔴",
  info: "🔵",
};

export const SEVERITY_TONE: Readonly<Record<Severity, Tone>> = {
  low: "info",
  medium: "warning",
  high: "danger",
  critical: "danger",
};

/** Severity colours: critical is darker than high so the two differ at a glance. */
export const SEVERITY_COLOR: Readonly<Record<Severity, number>> = {
  low: TONE_COLOR.info,
  medium: TONE_COLOR.warning,
  high: 0xe8590c,
  critical: 0xc81e1e,
};

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  low: "🔵",
  medium: "🟡",
  high: "🟠",
  critical: "🚨",
};

export const BEAD_STATUS_TONE: Readonly<Record<BeadStatus, Tone>> = {
  open: "neutral",
  hooked: "info",
  in_progress: "info",
  review: "warning",
  parked: "warning",
  closed: "good",
};

export const MERGE_STATE_TONE: Readonly<Record<MergeState, Tone>> = {
  queued: "neutral",
  merging: "info",
  awaiting_approval: "warning",
  merged: "good",
  rejected: "danger",
  conflict: "danger",
  failed: "danger",
};

export const AGENT_STATUS_TONE: Readonly<Record<AgentStatus, Tone>> = {
  starting: "info",
  working: "info",
  idle: "neutral",
  stalled: "warning",
  exited: "neutral",
  failed: "danger",
};

/** Words people read for each state (ids stay in code; labels go in chat). */
export const BEAD_STATUS_LABEL: Readonly<Record<BeadStatus, string>> = {
  open: "Open",
  hooked: "Hooked",
  in_progress: "In progress",
  review: "In review",
  parked: "Parked",
  closed: "Closed",
};

export const MERGE_STATE_LABEL: Readonly<Record<MergeState, string>> = {
  queued: "Queued",
  merging: "Merging",
  awaiting_approval: "Awaiting approval",
  merged: "Merged",
  rejected: "Rejected",
  conflict: "Conflict",
  failed: "Failed",
};

/** The accent colour of a card: its severity when it has one, else its tone. */
export function cardColor(card: Pick<ChatCard, "tone" | "severity">): number {
  if (card.severity) return SEVERITY_COLOR[card.severity];
  return TONE_COLOR[card.tone ?? "neutral"];
}

/** The marker of a card: its severity when it has one, else its tone. */
export function cardEmoji(card: Pick<ChatCard, "tone" | "severity">): string {
  if (card.severity) return SEVERITY_EMOJI[card.severity];
  return TONE_EMOJI[card.tone ?? "neutral"];
}

/** Colour as `#rrggbb`. */
export function hexColor(color: number): string {
  return `#${color.toString(16).padStart(6, "0")}`;
}
