import type { Convoy, MergeQueueItem } from "../town-client";
import { progressBar } from "../../renderers/cards";

/** Text of `/gt mq` and `/gt convoy status`: plain lines people scan in a private reply. */

const code = (s: string) => `\`${s.replace(/`/g, "ˋ")}\``;

/** One queue line: position, bead, title, state, gates (✓/✗ each), attempts, what happened. */
export function mergeQueueLine(m: MergeQueueItem, index: number): string {
  const gates = (m.gates ?? []).map((g) => `${g.ok ? "✓" : "✗"} ${g.name}`).join(" ");
  const parts = [
    `${m.position ?? index + 1}. ${code(m.sourceBeadId)} ${m.sourceTitle ?? code(m.branch)} — ${m.state.replace(/_/g, " ")}`,
    gates ? `gates ${gates}` : null,
    m.attempts ? `attempts ${m.attempts}` : null,
    m.detail ? m.detail.split("\n")[0]?.slice(0, 160) : null,
  ];
  return parts.filter((p): p is string => !!p).join(" · ");
}

/** The merge queue grouped by rig, in the refinery's order within each. */
export function mergeQueueText(items: readonly MergeQueueItem[]): string {
  if (items.length === 0) return "The merge queue is empty.";
  const byRig = new Map<string, MergeQueueItem[]>();
  for (const m of items) {
    const rig = m.rig ?? m.rigId ?? "?";
    byRig.set(rig, [...(byRig.get(rig) ?? []), m]);
  }
  const lines = ["**Merge queue**"];
  for (const [rig, list] of byRig) lines.push(`**${rig}** (${list.length})`, ...list.map(mergeQueueLine));
  return lines.join("\n");
}

/** Convoys with their progress bars; one convoy also lists its beads. */
export function convoyStatusText(convoys: readonly Convoy[]): string {
  if (convoys.length === 0) return "No convoys yet.";
  const lines = ["**Convoys**"];
  for (const c of convoys) {
    const total = c.total ?? c.beadIds.length;
    lines.push(`• ${code(c.id)} ${c.name}: ${progressBar(c.closed ?? 0, total)}${c.landedAt ? " — landed" : ""}`);
    if (convoys.length === 1) for (const b of c.beads ?? []) lines.push(`  ${b.status === "closed" ? "✓" : "◦"} ${code(b.id)} ${b.title} (${b.status.replace("_", " ")})`);
  }
  return lines.join("\n");
}
