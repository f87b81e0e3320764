import { z } from "zod";
import { AgentKind, AgentRole, QualityGate } from "./domain";
import { AgentId, BeadId } from "./ids";

/** Wire schemas of the container control API (Worker -> container). */

export const RigSpec = z.object({
  id: z.string().min(1),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/),
  gitUrl: z.string().min(1),
  defaultBranch: z.string().regex(/^[A-Za-z0-9._/-]{1,100}$/),
});
export type RigSpec = z.infer<typeof RigSpec>;

export const StartAgentRequest = z.object({
  agentId: AgentId,
  town: z.string().min(1),
  role: AgentRole,
  kind: AgentKind,
  rig: RigSpec.nullable(),
  beadId: BeadId.nullable(),
  /** The rendered prompt (from prompts/). */
  prompt: z.string().max(200_000),
  /** Where the agent calls back (heartbeats, gt tools) and with which scoped token. */
  workerUrl: z.string().url(),
  agentToken: z.string().min(1),
  cols: z.number().int().min(20).max(500).default(120),
  rows: z.number().int().min(5).max(200).default(40),
});
export type StartAgentRequest = z.input<typeof StartAgentRequest>;

export const AgentInfo = z.object({
  agentId: z.string(),
  role: AgentRole,
  beadId: z.string().nullable(),
  pid: z.number().int().nullable(),
  running: z.boolean(),
  exitCode: z.number().int().nullable(),
  startedAt: z.number(),
  lastOutputAt: z.number().nullable(),
  branch: z.string().nullable(),
  worktree: z.string().nullable(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const NudgeAgentRequest = z.object({ text: z.string().min(1).max(4000) });
export const ResizeAgentRequest = z.object({ cols: z.number().int().min(20).max(500), rows: z.number().int().min(5).max(200) });

/** The screen a person would see, redacted before it leaves the container. */
export const Snapshot = z.object({
  agentId: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  /** Visible screen as plain text, one line per row, trailing spaces trimmed. */
  text: z.string(),
  /** Visible screen as ANSI (colours kept), from the serialize addon. */
  ansi: z.string(),
  /** Last lines of scrollback above the screen (plain text). */
  scrollbackTail: z.string(),
  cursor: z.object({ x: z.number().int(), y: z.number().int() }),
  at: z.number(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const MergeRequest = z.object({
  rig: RigSpec,
  /** Source branch, e.g. gt/gt-4k2m. */
  branch: z.string().regex(/^gt\/[a-z][a-z0-9]{0,7}-[0-9a-z]{3,12}$/),
  target: z.string().regex(/^[A-Za-z0-9._/-]{1,100}$/),
  gates: z.array(QualityGate).max(20).default([]),
  /** Push the merged target to the rig's remote. */
  push: z.boolean().default(true),
  message: z.string().max(2000).optional(),
  /** Return the merged change as a patch (`diff`), for the refinery's LLM review. */
  diff: z.boolean().default(false),
});
export type MergeRequest = z.input<typeof MergeRequest>;

export const GateResult = z.object({
  name: z.string(),
  ok: z.boolean(),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  output: z.string(),
  ms: z.number(),
});
export const MergeResult = z.object({
  outcome: z.enum(["merged", "conflict", "gates_failed", "nothing_to_merge", "error"]),
  commit: z.string().nullable(),
  fastForward: z.boolean(),
  gates: z.array(GateResult),
  conflicts: z.array(z.string()),
  diffStat: z.string(),
  /** The patch of target..merge (when asked, gates passed), cut at DIFF_CHARS. */
  diff: z.string().optional(),
  detail: z.string(),
});
export type MergeResult = z.infer<typeof MergeResult>;

/** Characters of patch a merge result carries at most (what an LLM review reads). */
export const DIFF_CHARS = 60_000;

export const ContainerHealth = z.object({ ok: z.boolean(), agents: z.number().int(), version: z.string() });
