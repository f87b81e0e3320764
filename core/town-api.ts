import { z } from "zod";
import { Actor, BeadStatus, BeadType, DepType, Priority, QualityGate, RigConfigPatch, Severity, WorkBeadType } from "./domain";
import { BeadId, RigName } from "./ids";

/**
 * Wire schemas of the Town API (`/towns/:town/...`). The Worker parses every body and
 * query with these; the bot and the container build requests from the same types.
 */

const Title = z.string().trim().min(1, "a title is required").max(300);
const Body = z.string().max(50_000);
const Label = z.string().trim().min(1).max(50);

export const AddRigRequest = z.object({
  name: RigName,
  gitUrl: z
    .string()
    .min(1)
    .max(2000)
    .refine((u) => /^(https?:\/\/|ssh:\/\/|git@|file:\/\/|\/)/.test(u), "a git URL (https://, ssh://, git@host:, file:// or an absolute path)")
    .refine((u) => !/^https?:\/\/[^/@]+:[^/@]+@/.test(u), "put credentials in configuration, not in the URL"),
  defaultBranch: z.string().regex(/^[A-Za-z0-9._/-]{1,100}$/).default("main"),
  beadPrefix: z.string().regex(/^[a-z][a-z0-9]{0,7}$/).optional(),
  config: RigConfigPatch.optional(),
  actor: Actor,
});
export type AddRigRequest = z.input<typeof AddRigRequest>;

export const UpdateRigRequest = z.object({
  defaultBranch: z.string().regex(/^[A-Za-z0-9._/-]{1,100}$/).optional(),
  config: RigConfigPatch.optional(),
  /** One quality gate added (or replaced, by name) or removed, in the same change. */
  gate: z.union([z.object({ put: QualityGate }), z.object({ remove: z.string().trim().min(1).max(100) })]).optional(),
  actor: Actor,
  /**
   * The person's groups and roles (`slack:group:S1`), as for merge decisions: on a rig whose
   * merges need approval, only its approvers may change the merge policy, the approvers, the
   * quality gates or the agent.
   */
  memberOf: z.array(z.string().min(1).max(200)).max(200).default([]),
});
export type UpdateRigRequest = z.input<typeof UpdateRigRequest>;

export const CreateBeadRequest = z.object({
  rig: z.string().min(1).optional(),
  type: BeadType.default("task"),
  title: Title,
  body: Body.default(""),
  priority: Priority.default("P2"),
  labels: z.array(Label).max(20).default([]),
  parentId: BeadId.optional(),
  assignee: z.string().max(200).optional(),
  actor: Actor,
});
export type CreateBeadRequest = z.input<typeof CreateBeadRequest>;

export const UpdateBeadRequest = z
  .object({
    title: Title.optional(),
    body: Body.optional(),
    priority: Priority.optional(),
    labels: z.array(Label).max(20).optional(),
    status: BeadStatus.exclude(["closed"]).optional(),
    assignee: z.string().max(200).nullable().optional(),
    actor: Actor,
  })
  .refine((b) => Object.keys(b).some((k) => k !== "actor"), "nothing to update");
export type UpdateBeadRequest = z.input<typeof UpdateBeadRequest>;

export const CloseBeadRequest = z.object({ reason: z.string().max(2000).optional(), actor: Actor });

export const ListBeadsQuery = z.object({
  rig: z.string().optional(),
  status: BeadStatus.optional(),
  type: BeadType.optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const AddDepRequest = z.object({
  /** The bead that depends on (is blocked by / child of / tracks) `dependsOn`. */
  dependsOn: BeadId,
  type: DepType.default("blocks"),
  actor: Actor,
});

export const ReadyQuery = z.object({
  rig: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Sling: create a bead (title) or take an existing one (beadId), and hook it to a polecat. */
export const SlingRequest = z
  .object({
    rig: z.string().min(1),
    beadId: BeadId.optional(),
    title: Title.optional(),
    body: Body.default(""),
    type: WorkBeadType.default("task"),
    priority: Priority.default("P2"),
    labels: z.array(Label).max(20).default([]),
    /** Idempotency key (e.g. the chat event id): a retried sling returns the first result. */
    requestId: z.string().min(1).max(200).optional(),
    actor: Actor,
  })
  .refine((s) => (s.beadId === undefined) !== (s.title === undefined), "give either a title or a beadId");
export type SlingRequest = z.input<typeof SlingRequest>;

export const CreateConvoyRequest = z.object({
  name: z.string().trim().min(1).max(100),
  beadIds: z.array(BeadId).min(1).max(500),
  actor: Actor,
});
export const AddToConvoyRequest = z.object({ beadIds: z.array(BeadId).min(1).max(500), actor: Actor });

export const CreateMoleculeRequest = z.object({
  rig: z.string().min(1).optional(),
  title: Title,
  body: Body.default(""),
  priority: Priority.default("P2"),
  steps: z.array(z.object({ title: Title, body: Body.default("") })).min(1).max(100),
  actor: Actor,
});

export const SendMailRequest = z.object({
  /** An agent id, or a bead id (delivered to the agent hooked to it). */
  to: z.string().min(1).max(100),
  subject: z.string().trim().min(1).max(300),
  body: Body.default(""),
  actor: Actor,
});

export const NudgeRequest = z.object({ text: z.string().trim().min(1).max(4000), actor: Actor });

export const RaiseEscalationRequest = z.object({
  severity: Severity.default("medium"),
  title: Title,
  body: Body.default(""),
  beadId: BeadId.optional(),
  rig: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  actor: Actor,
});
export const AckEscalationRequest = z.object({ actor: Actor });

/** Push an escalation's re-escalation deadline (`POST /towns/:town/escalations/:id/snooze`). */
export const SnoozeEscalationRequest = z.object({ minutes: z.number().int().min(1).max(24 * 60), actor: Actor });

/**
 * Who an escalation pings: a chat user (`slack:user:U1`, `discord:user:42`), a Slack user
 * group (`slack:group:S1`), a Discord role (`discord:role:7`), a channel (`slack:channel:C1`),
 * or `channel`: the channel of the escalation's rig.
 */
export const OncallTarget = z.union([
  z.literal("channel"),
  z
    .string()
    .regex(/^(slack|discord|console):(user|group|role|channel):[A-Za-z0-9._-]{1,100}$/, "use channel, <platform>:user:<id>, slack:group:<id>, discord:role:<id> or <platform>:channel:<id>"),
]);

/** A rotation: each shift (a set of targets) is on call for `everyHours`, in turn, from `startsAt`. */
export const OncallRotation = z.object({
  shifts: z.array(z.array(OncallTarget).min(1).max(20)).min(1).max(52),
  /** When the first shift starts: epoch ms or an ISO date-time with offset (`2026-11-23T09:00:00+01:00`). */
  startsAt: z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]),
  /** Length of a shift: 168 = weekly (a fixed length, so a DST change moves the local handover by an hour). */
  everyHours: z.number().int().min(1).max(24 * 366).default(168),
});

export const OncallSetRequest = z
  .object({
    severity: Severity,
    rig: z.string().optional(),
    /** Pinged at this severity (with the rotation's shift on call, when there is one). */
    targets: z.array(OncallTarget).max(20).default([]),
    rotation: OncallRotation.optional(),
    actor: Actor,
  })
  .refine((r) => r.targets.length > 0 || r.rotation !== undefined, { message: "give targets, a rotation, or both", path: ["targets"] });

/** A local time of day, `HH:MM`. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time HH:MM (00:00-23:59)");
/** An IANA time zone name that Intl knows. */
export const TimeZone = z
  .string()
  .min(1)
  .max(100)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone such as Europe/Berlin");

/**
 * Quiet hours of the town, or of one rig (`PUT /towns/:town/oncall/quiet-hours`): between
 * `start` and `end` local time low and medium pings wait; high and critical never wait.
 */
export const QuietHoursRequest = z
  .object({ rig: z.string().min(1).max(100).optional(), start: LocalTime, end: LocalTime, timeZone: TimeZone, actor: Actor })
  .refine((q) => q.start !== q.end, { message: "start and end must differ", path: ["end"] });
export const ClearQuietHoursRequest = z.object({ rig: z.string().min(1).max(100).optional(), actor: Actor });

/** Chat bindings: which channel is which rig, which thread is which bead. */
export const BindChannelRequest = z.object({
  platform: z.enum(["slack", "discord", "console"]),
  channelId: z.string().min(1).max(100),
  rig: z.string().min(1),
});
export const BindThreadRequest = z.object({
  platform: z.enum(["slack", "discord", "console"]),
  channelId: z.string().min(1).max(100),
  threadId: z.string().min(1).max(100),
  /** Message ids of the bead card and the live snapshot message, when posted. */
  cardMessageId: z.string().max(100).optional(),
  snapshotMessageId: z.string().max(100).optional(),
});

/** Inbound dedupe: has this platform event id been seen before? */
export const InboundRequest = z.object({
  platform: z.enum(["slack", "discord", "console"]),
  eventId: z.string().min(1).max(200),
});

/** Agent callbacks (agent token): heartbeat, lifecycle, gt tools. */
export const AgentHeartbeatRequest = z.object({
  status: z.enum(["working", "idle"]).default("working"),
  activityAt: z.number().optional(),
});
export const AgentLifecycleRequest = z.object({
  event: z.enum(["started", "exited", "idle"]),
  exitCode: z.number().int().nullable().optional(),
  detail: z.string().max(2000).optional(),
  /** On `exited`: commits the agent's branch has that the rig's default branch lacks (GitManager.branchAhead). */
  commitsAhead: z.number().int().nonnegative().optional(),
});
export const AgentDoneRequest = z.object({ summary: z.string().trim().min(1).max(10_000), branch: z.string().max(200).optional() });
export const AgentMailSendRequest = z.object({ to: z.string().min(1).max(100), subject: z.string().trim().min(1).max(300), body: Body.default("") });
export const AgentEscalateRequest = z.object({
  severity: Severity,
  title: Title,
  body: Body.default(""),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

/** The refinery's merge queue (`GET /towns/:town/merge-queue`). */
export const MergeQueueQuery = z.object({
  rig: z.string().min(1).max(100).optional(),
  /** `true`: also merge requests that are finished (merged, rejected, ...), newest last. */
  all: z.enum(["true", "false"]).default("false"),
});

/** A person's answer to a merge request (`POST /towns/:town/merge-requests/:bead/decision`). */
export const MergeDecisionRequest = z.object({
  decision: z.enum(["approve", "reject"]),
  reason: z.string().trim().max(2000).optional(),
  actor: Actor,
  /** Chat groups and roles the person belongs to, as the bot knows them (`slack:group:S1`, `discord:role:42`). */
  memberOf: z.array(z.string().min(1).max(200)).max(200).default([]),
});
export type MergeDecisionRequest = z.input<typeof MergeDecisionRequest>;
