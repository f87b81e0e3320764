import type { MergeResult } from "../../core/container-api";
import type { MergeRunSummary } from "../../db/merge-requests";

/**
 * What a merge run means for its merge request: a pure reading of the container's MergeResult
 * (no store, no clock), shared by the refinery pass and the real-git tests. All texts are
 * bounded: gate output can be megabytes, chat messages and mail cannot.
 */

/** Characters of gate output kept in the event `detail` people read in the thread. */
export const DETAIL_OUTPUT_CHARS = 2_500;
/** Characters of gate output kept in the stored run and the event's `gates`. */
export const STORED_OUTPUT_CHARS = 4_000;
/** Characters of gate output put in the mail to the polecat. */
export const MAIL_OUTPUT_CHARS = 6_000;
/** Characters of `git diff --stat` kept. */
export const DIFFSTAT_CHARS = 4_000;
/** Conflicting files listed. */
export const MAX_CONFLICTS = 50;

export type Verdict =
  /** Merged and pushed: the work is done. */
  | { kind: "merged"; detail: string }
  /** Merged and gated but not pushed (policy `approve`): a person decides. */
  | { kind: "awaiting_approval"; detail: string }
  /** Merged, gated and approved by the LLM review (policy `auto`): queued again to push. */
  | { kind: "reviewed"; detail: string }
  /** The branch is at fault: back to its polecat with the reason. */
  | { kind: "send_back"; state: "rejected" | "conflict"; detail: string; mail: { subject: string; body: string } }
  /** The refinery or container failed: the polecat is not at fault; try again later. */
  | { kind: "retry"; detail: string };

/** The last `max` characters of `text`, saying how much was cut. */
export function tail(text: string, max: number): string {
  const t = text.trimEnd();
  if (t.length <= max) return t;
  return `[… ${t.length - max} earlier characters cut]\n${t.slice(t.length - max)}`;
}

/** The first `max` characters of `text`, saying how much was cut. */
export function head(text: string, max: number): string {
  const t = text.trimEnd();
  return t.length <= max ? t : `${t.slice(0, max)}\n[… ${t.length - max} more characters cut]`;
}

function failedGate(result: MergeResult) {
  return result.gates.find((g) => !g.ok);
}

function gateHeadline(g: MergeResult["gates"][number]): string {
  return g.timedOut ? `gate ${g.name} exceeded its time limit` : `gate ${g.name} failed (exit ${g.exitCode ?? "by signal"})`;
}

/** The compact record of a run kept on the merge request (output tails of failed gates only). */
export function summarizeRun(result: MergeResult, pushed: boolean): MergeRunSummary {
  return {
    outcome: result.outcome,
    pushed: pushed && result.outcome === "merged",
    commit: result.commit,
    gates: result.gates.map((g) => ({ name: g.name, ok: g.ok, exitCode: g.exitCode, timedOut: g.timedOut, output: g.ok ? "" : tail(g.output, STORED_OUTPUT_CHARS) })),
    conflicts: result.conflicts.slice(0, MAX_CONFLICTS),
    diffStat: head(result.diffStat, DIFFSTAT_CHARS),
  };
}

function gatesLine(result: MergeResult): string {
  return result.gates.length === 0 ? "no quality gates configured" : result.gates.map((g) => `${g.ok ? "✓" : "✗"} ${g.name}`).join(", ");
}

const FIX_AND_RESUBMIT = "Fix it on your branch, commit, and call gt_done again when it is ready.";

/** Reads a MergeResult: merged (pushed or awaiting a person), sent back to the polecat, or retried. */
export function judgeMerge(result: MergeResult, run: { branch: string; target: string; push: boolean }): Verdict {
  const { branch, target } = run;
  switch (result.outcome) {
    case "merged": {
      const how = result.fastForward ? "fast-forwarded" : "merged";
      const short = result.commit?.slice(0, 12) ?? "?";
      if (run.push) return { kind: "merged", detail: `${branch} ${how} into ${target} as ${short} (${gatesLine(result)})` };
      return {
        kind: "awaiting_approval",
        detail: `${branch} merges cleanly into ${target} and passed its gates (${gatesLine(result)}). Approve to push it, or reject it.`,
      };
    }
    case "gates_failed": {
      const g = failedGate(result);
      const headline = g ? gateHeadline(g) : result.detail;
      const output = g?.output ?? "";
      return {
        kind: "send_back",
        state: "rejected",
        detail: `${headline}\n\n${tail(output, DETAIL_OUTPUT_CHARS)}`.trimEnd(),
        mail: {
          subject: `Merge of ${branch} rejected: ${headline}`,
          body: [
            `The refinery merged ${branch} into ${target} and ran the quality gates: ${headline}.`,
            "",
            "Output (tail):",
            tail(output, MAIL_OUTPUT_CHARS) || "(no output)",
            "",
            FIX_AND_RESUBMIT,
          ].join("\n"),
        },
      };
    }
    case "conflict": {
      const files = result.conflicts.slice(0, MAX_CONFLICTS);
      const more = result.conflicts.length > files.length ? ` and ${result.conflicts.length - files.length} more` : "";
      const list = files.length > 0 ? `${files.join(", ")}${more}` : "(git did not name the files)";
      return {
        kind: "send_back",
        state: "conflict",
        detail: `${branch} conflicts with ${target} in: ${list}`,
        mail: {
          subject: `Merge of ${branch} conflicts with ${target}`,
          body: [
            `${branch} no longer merges cleanly into ${target}; conflicting files: ${list}.`,
            "",
            `Merge (or rebase onto) origin/${target} on your branch, resolve the conflicts, run the tests, commit, and call gt_done again.`,
          ].join("\n"),
        },
      };
    }
    case "nothing_to_merge":
      return {
        kind: "send_back",
        state: "rejected",
        detail: `${branch} has no commits that ${target} lacks: nothing to merge`,
        mail: {
          subject: `Merge of ${branch} rejected: no commits to merge`,
          body: `${branch} has no commits that ${target} lacks. Commit your work on ${branch}, then call gt_done again. If the bead needs no code change, say so with gt_escalate so a person can close it.`,
        },
      };
    case "error":
      return { kind: "retry", detail: `the refinery could not merge ${branch}: ${head(result.detail, DETAIL_OUTPUT_CHARS)}` };
  }
}
