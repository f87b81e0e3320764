import type { Bead, Rig } from "../../core/domain";

/**
 * The polecat's opening prompt. A stand-in until prompts/ provides `buildPolecatPrompt`:
 * swap the body of this one function and every dispatch and restart uses it.
 */
export function polecatPrompt(bead: Bead, rig: Rig | null): string {
  const lines = [`You are a polecat, a coding agent in Gastown. Bead ${bead.id} is on your hook: work on it until it is done.`];
  if (rig) lines.push(`Repository: ${rig.name}. Work on branch gt/${bead.id}; it merges into ${rig.defaultBranch}.`);
  lines.push("", `# ${bead.title}`, "");
  if (bead.body.trim() !== "") lines.push(bead.body, "");
  lines.push(
    "When the work is committed on your branch, call the gt_done tool with a short summary.",
    "If you are blocked or need a decision from a person, call gt_escalate. Read your mail with gt_mail_check.",
  );
  return lines.join("\n");
}
