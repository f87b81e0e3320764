import type { ChatButton, ChatCard, ChatMessage } from "../core/chat";
import type { Bead, MergeState } from "../core/domain";
import { beadCard as renderBeadCard, convoyCard as renderConvoyCard } from "../renderers/cards";
import { MERGE_STATE_LABEL, MERGE_STATE_TONE } from "../renderers/tones";

/**
 * Domain values -> platform-neutral chat messages. The cards themselves are renderers/cards.ts;
 * this file adds what the bot knows on top (a bead's branch name, the notification text of a
 * ping) and the messages renderers/ has no card for: merge results with their gate output, the
 * live terminal message, thread names.
 */

/** Extra facts the card shows when known (from events other than the bead's own). */
export interface BeadCardExtras {
  agentId?: string | null;
  mergeState?: MergeState | null;
}

/** The live bead card: the root message of the bead's thread. */
export function beadCard(bead: Bead, extras: BeadCardExtras = {}): ChatMessage {
  return renderBeadCard(bead, {
    agent: extras.agentId ?? bead.assignee,
    // Polecats work on `gt/<bead>` (DESIGN §6); an open bead has no branch yet.
    branch: bead.status === "open" ? null : `gt/${bead.id}`,
    mergeState: extras.mergeState ?? null,
  });
}

/** The name of a bead's thread (Discord shows it; Slack threads have none). */
export function threadName(bead: Pick<Bead, "id" | "title">): string {
  return `${bead.id} ${bead.title}`.slice(0, 100);
}


/** What the merge thread message shows of a merge request event. */
export interface MergeFacts {
  sourceBeadId: string;
  branch: string;
  state: MergeState;
  detail: string | null;
  target?: string;
  gates?: { name: string; ok: boolean; exitCode: number | null; timedOut: boolean; output: string }[];
  diffStat?: string;
  conflicts?: string[];
  by?: string;
}

/** A merge request result or state change, posted in the bead thread. */
export function mergeMessage(m: MergeFacts): ChatMessage {
  const tone: ChatCard["tone"] = MERGE_STATE_TONE[m.state];
  const buttons: ChatButton[] =
    m.state === "awaiting_approval"
      ? [
          { action: "mr_approve", label: "Approve", value: m.sourceBeadId, style: "primary" },
          { action: "mr_reject", label: "Reject", value: m.sourceBeadId, style: "danger" },
        ]
      : m.state === "rejected" || m.state === "conflict" || m.state === "failed"
        ? [{ action: "bead_retry", label: "Retry", value: m.sourceBeadId }]
        : [];
  const fields: ChatCard["fields"] = [];
  if (m.target) fields.push({ name: "Into", value: m.target, inline: true });
  if (m.by) fields.push({ name: "By", value: m.by, inline: true });
  for (const g of m.gates ?? []) fields.push({ name: `Gate ${g.name}`, value: g.ok ? "passed" : g.timedOut ? "timed out" : `failed (exit ${g.exitCode ?? "?"})`, inline: true });
  if (m.conflicts && m.conflicts.length > 0) fields.push({ name: "Conflicts", value: m.conflicts.slice(0, 20).join(", ") });
  const body = [m.detail, m.diffStat ? `\`\`\`\n${m.diffStat}\n\`\`\`` : null, ...(m.gates ?? []).filter((g) => !g.ok && g.output).map((g) => `${g.name}:\n\`\`\`\n${g.output}\n\`\`\``)]
    .filter((x): x is string => !!x)
    .join("\n\n");
  const label = MERGE_STATE_LABEL[m.state].toLowerCase();
  return {
    text: `Merge of \`${m.branch}\`: ${label}`,
    card: { title: `Merge ${label}: ${m.branch}`, ...(body ? { body } : {}), fields, tone },
    buttons,
  };
}

/** The convoy card in a channel, edited as its beads move. */
export function convoyCard(c: { convoyId: string; name: string; closed: number; total: number; landed: boolean }): ChatMessage {
  return renderConvoyCard(c);
}

/** The live terminal message of a bead's agent. */
export function snapshotMessage(s: { agentId: string; text: string; ansi: string }): ChatMessage {
  return {
    text: `Terminal of ${s.agentId}`,
    terminal: { text: s.text, ansi: s.ansi, title: `${s.agentId}` },
    buttons: [],
  };
}
