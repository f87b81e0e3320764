import { z } from "zod";

/** Work items and the other record kinds that Gastown keeps as beads. */
export const BeadType = z.enum([
  "task",
  "bug",
  "feature",
  "epic",
  "message",
  "merge_request",
  "convoy",
  "escalation",
  "molecule",
]);
export type BeadType = z.infer<typeof BeadType>;

/** Bead types a person slings as work (the rest are bookkeeping beads). */
export const WorkBeadType = z.enum(["task", "bug", "feature", "epic"]);
export type WorkBeadType = z.infer<typeof WorkBeadType>;

/**
 * open: waiting (ready when unblocked); hooked: on an agent's hook, not yet running;
 * in_progress: an agent works on it; review: in the refinery's merge queue; parked: stopped
 * by a person and held out of the ready queue until slung again; closed: done.
 */
export const BeadStatus = z.enum(["open", "hooked", "in_progress", "review", "parked", "closed"]);
export type BeadStatus = z.infer<typeof BeadStatus>;

/** P0 is the most urgent. Stored as the integer 0..4. */
export const Priority = z.enum(["P0", "P1", "P2", "P3", "P4"]);
export type Priority = z.infer<typeof Priority>;
export const priorityRank = (p: Priority): number => Number(p.slice(1));
export const priorityFromRank = (n: number): Priority => Priority.parse(`P${n}`);

export const DepType = z.enum(["blocks", "parent-child", "tracks", "related"]);
export type DepType = z.infer<typeof DepType>;

export const Severity = z.enum(["low", "medium", "high", "critical"]);
export type Severity = z.infer<typeof Severity>;
export const SEVERITIES: readonly Severity[] = Severity.options;
export const bumpSeverity = (s: Severity): Severity =>
  SEVERITIES[Math.min(SEVERITIES.indexOf(s) + 1, SEVERITIES.length - 1)] ?? "critical";

export const AgentRole = z.enum(["mayor", "polecat", "refinery", "witness"]);
export type AgentRole = z.infer<typeof AgentRole>;

/**
 * starting: asked the runtime to start it; working: running with work on its hook;
 * idle: running, nothing happening on its screen; stalled: heartbeat too old;
 * exited: process ended; failed: could not be started.
 */
export const AgentStatus = z.enum(["starting", "working", "idle", "stalled", "exited", "failed"]);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** Which agent CLI a rig runs: a known adapter or `command:<argv>`. */
export const AgentKind = z.union([
  z.enum(["claude", "opencode", "codex", "kilo"]),
  z.string().regex(/^command:.+/, "use command:<argv>"),
]);
export type AgentKind = z.infer<typeof AgentKind>;

export const MergePolicy = z.enum(["auto", "approve"]);

/** Who approved a merge the refinery's LLM review let through (a merge request's `approvedBy`, its event's `by`). */
export const LLM_REVIEWER = "refinery:llm-review";
export type MergePolicy = z.infer<typeof MergePolicy>;

export const MergeState = z.enum(["queued", "merging", "awaiting_approval", "merged", "rejected", "conflict", "failed"]);
export type MergeState = z.infer<typeof MergeState>;

/** Who did something: a chat user, an agent, the mayor on behalf of a person, or the system. */
export const Actor = z.object({
  kind: z.enum(["user", "agent", "mayor", "system"]),
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  /** For the mayor: the chat user it acts for. */
  onBehalfOf: z.string().max(200).optional(),
});
export type Actor = z.infer<typeof Actor>;
export const SYSTEM: Actor = { kind: "system", id: "system" };

export const QualityGate = z.object({
  name: z.string().min(1).max(100),
  /** argv, never a shell string. */
  argv: z.array(z.string().min(1)).min(1),
  timeoutSec: z.number().int().positive().max(3600).default(600),
});
export type QualityGate = z.infer<typeof QualityGate>;

/**
 * Who may approve or reject merges of a rig: `channel` (anyone in the rig's channel), a user
 * (`slack:user:U1`), or members of a Slack user group / Discord role (`slack:group:S1`,
 * `discord:role:42`; the bot says which groups and roles the person holds).
 */
export const Approver = z.union([
  z.literal("channel"),
  z.string().regex(/^(slack|discord|console):(user|group|role):[A-Za-z0-9._-]{1,100}$/, "use channel, <platform>:user:<id>, slack:group:<id> or discord:role:<id>"),
]);
export type Approver = z.infer<typeof Approver>;

/** Rig settings without defaults: the shape of a partial update (absent = unchanged). */
export const RigConfigPatch = z
  .object({
    maxPolecats: z.number().int().min(0).max(64),
    agent: AgentKind,
    qualityGates: z.array(QualityGate).max(20),
    mergePolicy: MergePolicy,
    /** Who may press Approve / Reject on this rig's merges. */
    approvers: z.array(Approver).min(1).max(50),
    /** Minutes without a heartbeat before the witness calls an agent stalled. */
    staleAfterMin: z.number().int().positive().max(24 * 60),
    /** `llm`: a merge that passed its gates is reviewed by the town's model before it goes in (or to a person). */
    review: z.enum(["off", "llm"]),
  })
  .partial();
export type RigConfigPatch = z.infer<typeof RigConfigPatch>;

const F = RigConfigPatch.shape;
export const RigConfig = z.object({
  maxPolecats: F.maxPolecats.unwrap().default(3),
  agent: F.agent.unwrap().default("claude"),
  qualityGates: F.qualityGates.unwrap().default([]),
  mergePolicy: F.mergePolicy.unwrap().default("auto"),
  approvers: F.approvers.unwrap().default(["channel"]),
  staleAfterMin: F.staleAfterMin.unwrap().default(10),
  review: F.review.unwrap().default("off"),
});
export type RigConfig = z.infer<typeof RigConfig>;

export const Rig = z.object({
  id: z.string(),
  name: z.string(),
  gitUrl: z.string(),
  defaultBranch: z.string(),
  beadPrefix: z.string(),
  config: RigConfig,
  createdAt: z.number(),
});
export type Rig = z.infer<typeof Rig>;

export const Bead = z.object({
  id: z.string(),
  type: BeadType,
  status: BeadStatus,
  priority: Priority,
  title: z.string(),
  body: z.string(),
  labels: z.array(z.string()),
  rigId: z.string().nullable(),
  assignee: z.string().nullable(),
  parentId: z.string().nullable(),
  createdBy: Actor,
  createdAt: z.number(),
  updatedAt: z.number(),
  closedAt: z.number().nullable(),
});
export type Bead = z.infer<typeof Bead>;

export const Agent = z.object({
  id: z.string(),
  role: AgentRole,
  rigId: z.string().nullable(),
  status: AgentStatus,
  hookedBeadId: z.string().nullable(),
  kind: z.string(),
  lastHeartbeatAt: z.number().nullable(),
  lastActivityAt: z.number().nullable(),
  restarts: z.number().int(),
  createdAt: z.number(),
});
export type Agent = z.infer<typeof Agent>;
