import type { ChatButton, ChatCard, ChatMessage } from "../core/chat";
import type { Bead, BeadStatus, MergeState, Severity } from "../core/domain";

/**
 * Domain values -> platform-neutral chat messages (cards, buttons). Platform rendering of
 * these happens in each adapter with renderers/.
 */

const STATUS_TONE: Record<BeadStatus, ChatCard["tone"]> = {
  open: "neutral",
  hooked: "info",
  in_progress: "info",
  review: "warning",
  parked: "warning",
  closed: "good",
};

const STATUS_LABEL: Record<BeadStatus, string> = {
  open: "open",
  hooked: "hooked",
  in_progress: "in progress",
  review: "in review",
  parked: "parked",
  closed: "closed",
};

/** Extra facts the card shows when known (from events other than the bead's own). */
export interface BeadCardExtras {
  agentId?: string | null;
  mergeState?: MergeState | null;
}

/** The live bead card: the root message of the bead's thread. */
export function beadCard(bead: Bead, extras: BeadCardExtras = {}): ChatMessage {
  const agent = extras.agentId ?? bead.assignee;
  const fields: ChatCard["fields"] = [
    { name: "Status", value: STATUS_LABEL[bead.status], inline: true },
    { name: "Priority", value: bead.priority, inline: true },
    { name: "Type", value: bead.type, inline: true },
  ];
  if (agent) fields.push({ name: "Agent", value: agent, inline: true });
  if (bead.status !== "open") fields.push({ name: "Branch", value: `gt/${bead.id}`, inline: true });
  if (extras.mergeState) fields.push({ name: "Merge", value: extras.mergeState.replace(/_/g, " "), inline: true });
  const buttons: ChatButton[] =
    bead.status === "closed"
      ? []
      : [
          { action: "peek_again", label: "Peek", value: bead.id },
          { action: "bead_stop", label: "Stop", value: bead.id, style: "danger" },
        ];
  return {
    text: `${bead.id}: ${bead.title} (${STATUS_LABEL[bead.status]})`,
    card: { title: `${bead.id} · ${bead.title}`, fields, tone: STATUS_TONE[bead.status], footer: `created by ${bead.createdBy.name ?? bead.createdBy.id}` },
    buttons,
  };
}

/** The name of a bead's thread (Discord shows it; Slack threads have none). */
export function threadName(bead: Pick<Bead, "id" | "title">): string {
  return `${bead.id} ${bead.title}`.slice(0, 100);
}

const SEVERITY_TONE: Record<Severity, ChatCard["tone"]> = { low: "neutral", medium: "info", high: "warning", critical: "danger" };

/** An escalation ping with Ack / Resolve / Snooze buttons. */
export function escalationMessage(e: { escalationId: string; severity: Severity; title: string; body: string; source: string; mentions: string[]; count?: number }): ChatMessage {
  const again = e.count ? ` (re-escalated ×${e.count})` : "";
  return {
    text: `Escalation ${e.severity.toUpperCase()}${again}: ${e.title}`,
    mentions: e.mentions,
    card: {
      title: `${e.severity.toUpperCase()} escalation${again}: ${e.title}`,
      body: e.body || undefined,
      fields: [
        { name: "From", value: e.source, inline: true },
        { name: "Id", value: e.escalationId, inline: true },
      ],
      tone: SEVERITY_TONE[e.severity],
      severity: e.severity,
    },
    buttons: [
      { action: "esc_ack", label: "Ack", value: e.escalationId, style: "primary" },
      { action: "esc_resolve", label: "Resolve", value: e.escalationId },
      { action: "esc_snooze", label: "Snooze 1h", value: e.escalationId },
    ],
  };
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
  const tone: ChatCard["tone"] = m.state === "merged" ? "good" : m.state === "rejected" || m.state === "conflict" || m.state === "failed" ? "danger" : "info";
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
  return {
    text: `Merge of \`${m.branch}\`: ${m.state.replace(/_/g, " ")}`,
    card: { title: `Merge ${m.state.replace(/_/g, " ")}: ${m.branch}`, ...(body ? { body } : {}), fields, tone },
    buttons,
  };
}

/** The convoy card in a channel, edited as its beads move. */
export function convoyCard(c: { convoyId: string; name: string; closed: number; total: number; landed: boolean }): ChatMessage {
  const bar = c.total > 0 ? `${"■".repeat(Math.round((10 * c.closed) / c.total))}${"□".repeat(10 - Math.round((10 * c.closed) / c.total))}` : "";
  return {
    text: `Convoy ${c.name}: ${c.closed}/${c.total}${c.landed ? " — landed" : ""}`,
    card: {
      title: `Convoy ${c.name}${c.landed ? " — landed 🎉" : ""}`,
      fields: [
        { name: "Progress", value: `${bar} ${c.closed}/${c.total}`, inline: true },
        { name: "Id", value: c.convoyId, inline: true },
      ],
      tone: c.landed ? "good" : "info",
    },
  };
}

/** The live terminal message of a bead's agent. */
export function snapshotMessage(s: { agentId: string; text: string; ansi: string }): ChatMessage {
  return {
    text: `Terminal of ${s.agentId}`,
    terminal: { text: s.text, ansi: s.ansi, title: `${s.agentId}` },
    buttons: [],
  };
}
