import { beadBranch } from "../core/ids";
import { renderTemplate } from "./render";
import { TEMPLATES } from "./templates";

/**
 * Typed builders of the agent prompts (markdown templates in prompts/*.md). Each builder
 * maps its typed input onto exactly the template's placeholders; a mismatch throws.
 */

export interface PromptBead {
  id: string;
  title: string;
  body: string;
  type?: string;
  priority?: string;
}

export interface PolecatPromptInput {
  agentId: string;
  bead: PromptBead;
  rig: { name: string; defaultBranch: string };
  /** Defaults to gt/<bead-id>. */
  branch?: string;
}

/** The prompt a polecat starts with: its bead, its worktree and branch, its gt tools. */
export function buildPolecatPrompt(input: PolecatPromptInput): string {
  return renderTemplate("polecat", TEMPLATES.polecat, {
    agent_id: input.agentId,
    bead_id: input.bead.id,
    bead_title: input.bead.title,
    bead_type: input.bead.type ?? "task",
    bead_priority: input.bead.priority ?? "P2",
    bead_body: input.bead.body.trim() || "(no description)",
    rig_name: input.rig.name,
    branch: input.branch ?? beadBranch(input.bead.id),
    default_branch: input.rig.defaultBranch,
  });
}

export interface RefineryGate {
  name: string;
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  output: string;
}

export interface RefineryPromptInput {
  agentId: string;
  rig: { name: string };
  bead: Pick<PromptBead, "id" | "title">;
  branch: string;
  target: string;
  /** The polecat's gt_done summary. */
  summary: string;
  gates: RefineryGate[];
}

/** Lines of gate output shown to the reviewer per failing gate. */
const GATE_TAIL_LINES = 40;

/** The prompt of a refinery reviewer for one merge request. */
export function buildRefineryPrompt(input: RefineryPromptInput): string {
  return renderTemplate("refinery", TEMPLATES.refinery, {
    agent_id: input.agentId,
    rig_name: input.rig.name,
    bead_id: input.bead.id,
    bead_title: input.bead.title,
    branch: input.branch,
    target_branch: input.target,
    summary: input.summary.trim() || "(no summary)",
    gate_report: gateReport(input.gates),
  });
}

function gateReport(gates: RefineryGate[]): string {
  if (gates.length === 0) return "No quality gates are configured for this rig.";
  return gates
    .map((g) => {
      if (g.ok) return `- ${g.name}: passed`;
      const why = g.timedOut ? "timed out" : `exit ${g.exitCode ?? "signal"}`;
      const tail = g.output.trimEnd().split("\n").slice(-GATE_TAIL_LINES).join("\n");
      return `- ${g.name}: FAILED (${why})\n\n\`\`\`\n${tail}\n\`\`\``;
    })
    .join("\n");
}

export interface ReviewPromptInput {
  rig: { name: string };
  bead: Pick<PromptBead, "id" | "title" | "body">;
  branch: string;
  target: string;
  gates: Pick<RefineryGate, "name" | "ok">[];
  diffStat: string;
  /** The patch (already cut to size by the container). */
  diff: string;
}

/** The prompt of the LLM review the refinery runs on a merge that passed its gates (rigs with `review: llm`). */
export function buildReviewPrompt(input: ReviewPromptInput): string {
  return renderTemplate("review", TEMPLATES.review, {
    rig_name: input.rig.name,
    bead_id: input.bead.id,
    bead_title: input.bead.title,
    bead_body: input.bead.body.trim() || "(no description)",
    branch: input.branch,
    target_branch: input.target,
    gate_line: input.gates.length === 0 ? "no gates configured" : input.gates.map((g) => `${g.ok ? "✓" : "✗"} ${g.name}`).join(", "),
    diff_stat: input.diffStat.trimEnd() || "(empty)",
    diff: input.diff.trimEnd() || "(empty)",
  });
}

export interface MayorPromptInput {
  townName: string;
  rigs: string[];
}

/** The mayor's system prompt (the mayor issue refines it). */
export function buildMayorPrompt(input: MayorPromptInput): string {
  return renderTemplate("mayor", TEMPLATES.mayor, {
    town_name: input.townName,
    rig_list: input.rigs.length > 0 ? input.rigs.join(", ") : "(none yet: add one with /gt rig add)",
  });
}
