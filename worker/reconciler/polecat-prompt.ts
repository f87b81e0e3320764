import type { Bead, Rig } from "../../core/domain";
import { buildPolecatPrompt } from "../../prompts/build";

/** The polecat's opening prompt (prompts/polecat.md) for its bead, rig and branch. */
export function polecatPrompt(agentId: string, bead: Bead, rig: Rig | null): string {
  return buildPolecatPrompt({
    agentId,
    bead: { id: bead.id, title: bead.title, body: bead.body, type: bead.type, priority: bead.priority },
    // A bead without a rig has no repository: the agent works in a scratch directory.
    rig: rig ? { name: rig.name, defaultBranch: rig.defaultBranch } : { name: "(no rig)", defaultBranch: "main" },
  });
}
