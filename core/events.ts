import { z } from "zod";
import { Actor, AgentStatus, Bead, MergeState, Rig, Severity } from "./domain";

/**
 * Town events: everything a person should see, appended to the TownDO outbox in the
 * same transaction as the change, delivered in `seq` order over the event stream.
 * The Worker speaks only in these; the bot decides how each looks in chat.
 */
const ev = <T extends string, D extends z.ZodTypeAny>(type: T, data: D) =>
  z.object({
    seq: z.number().int().positive(),
    at: z.number(),
    type: z.literal(type),
    /** The bead the event is about, if any: the bot projects it into that bead's thread. */
    beadId: z.string().nullable(),
    rigId: z.string().nullable(),
    actor: Actor.nullable(),
    data,
  });

const BeadRef = z.object({ bead: Bead });

export const TownEvent = z.discriminatedUnion("type", [
  ev("rig_added", z.object({ rig: Rig })),
  ev("rig_updated", z.object({ rig: Rig })),
  ev("rig_removed", z.object({ rigId: z.string(), name: z.string() })),
  ev("bead_created", BeadRef),
  ev("bead_updated", BeadRef.extend({ changed: z.array(z.string()) })),
  ev("bead_closed", BeadRef.extend({ reason: z.string().nullable() })),
  ev("bead_hooked", BeadRef.extend({ agentId: z.string() })),
  ev("agent_status", z.object({ agentId: z.string(), role: z.string(), status: AgentStatus, beadId: z.string().nullable(), detail: z.string().nullable() })),
  ev("dispatch_failed", z.object({ agentId: z.string().nullable(), error: z.string(), attempt: z.number().int() })),
  ev(
    "notification_failed",
    z.object({
      what: z.string(),
      error: z.string(),
      attempt: z.number().int(),
      /** The stream event that could not be delivered, when the bot said which. */
      seq: z.number().int().optional(),
      /** A failed escalation ping: which escalation, and when the town sends the ping again (null: it gave up). */
      escalationId: z.string().optional(),
      retryAt: z.number().nullable().optional(),
    }),
  ),
  ev("mail_sent", z.object({ mailId: z.string(), from: z.string(), to: z.string(), subject: z.string() })),
  ev("mail_delivered", z.object({ mailId: z.string(), to: z.string() })),
  ev("nudge_sent", z.object({ agentId: z.string(), text: z.string() })),
  ev("snapshot_updated", z.object({ agentId: z.string(), text: z.string(), ansi: z.string(), cols: z.number().int(), rows: z.number().int() })),
  /**
   * The on-call ping: mention every one of `targets` (`slack:user:U1`, `slack:group:S1`,
   * `discord:role:R1`, `<platform>:channel:C1`). Never sent during quiet hours for low and
   * medium (those get `escalation_held` first and this event when the window ends).
   * `attempt` > 1: the same ping sent again after its delivery failed.
   */
  ev(
    "escalation_raised",
    z.object({
      escalationId: z.string(),
      severity: Severity,
      title: z.string(),
      body: z.string(),
      source: z.string(),
      targets: z.array(z.string()),
      sourceAgentId: z.string().nullable().optional(),
      attempt: z.number().int().positive().optional(),
    }),
  ),
  /** A re-ping of an unacknowledged escalation: the bumped severity and the next on-call targets to mention. */
  ev(
    "escalation_reescalated",
    z.object({
      escalationId: z.string(),
      severity: Severity,
      count: z.number().int(),
      targets: z.array(z.string()),
      from: Severity.optional(),
      title: z.string().optional(),
      attempt: z.number().int().positive().optional(),
    }),
  ),
  /** Raised during quiet hours: shown without mentions; the ping (`escalation_raised`) follows at `until`. */
  ev(
    "escalation_held",
    z.object({ escalationId: z.string(), severity: Severity, title: z.string(), body: z.string(), source: z.string(), targets: z.array(z.string()), until: z.number() }),
  ),
  /** Someone pushed the re-escalation deadline: no re-ping before `until`. */
  ev("escalation_snoozed", z.object({ escalationId: z.string(), by: z.string(), minutes: z.number().int(), until: z.number() })),
  ev("escalation_acked", z.object({ escalationId: z.string(), by: z.string() })),
  ev("escalation_resolved", z.object({ escalationId: z.string(), by: z.string() })),
  ev("convoy_created", z.object({ convoyId: z.string(), name: z.string(), beadIds: z.array(z.string()) })),
  ev("convoy_progress", z.object({ convoyId: z.string(), name: z.string(), closed: z.number().int(), total: z.number().int() })),
  ev("convoy_landed", z.object({ convoyId: z.string(), name: z.string(), total: z.number().int() })),
  ev(
    "merge_request_updated",
    z.object({
      mergeRequestId: z.string(),
      sourceBeadId: z.string(),
      branch: z.string(),
      state: MergeState,
      /** What happened, for people: the gate output (tail) or conflicting files on a rejection. */
      detail: z.string().nullable(),
      target: z.string().optional(),
      /** Failed merge runs so far (the refinery escalates after a few). */
      attempts: z.number().int().optional(),
      /** Quality gates of the last run (output: the tail of a failed gate only). */
      gates: z.array(z.object({ name: z.string(), ok: z.boolean(), exitCode: z.number().int().nullable(), timedOut: z.boolean(), output: z.string() })).optional(),
      /** `git diff --stat` of the merged result (shown for approval). */
      diffStat: z.string().optional(),
      conflicts: z.array(z.string()).optional(),
      commit: z.string().nullable().optional(),
      /** Who approved or rejected it, when a person did. */
      by: z.string().optional(),
    }),
  ),
  /** The mayor's reply in its thread, re-sent as it grows: the bot posts it once, then edits it. */
  ev(
    "mayor_reply",
    z.object({
      conversationId: z.string(),
      turnId: z.string(),
      platform: z.enum(["slack", "discord", "console"]),
      channelId: z.string(),
      threadId: z.string(),
      text: z.string(),
      /** What the mayor is doing right now ("running sling…"), null when just writing. */
      working: z.string().nullable(),
      done: z.boolean(),
    }),
  ),
]);
export type TownEvent = z.infer<typeof TownEvent>;
export type TownEventType = TownEvent["type"];
export type TownEventOf<T extends TownEventType> = Extract<TownEvent, { type: T }>;
/** What a domain function hands the outbox; seq and at are assigned on append. */
export type NewTownEvent = {
  [K in TownEventType]: Omit<TownEventOf<K>, "seq" | "at" | "beadId" | "rigId" | "actor"> & {
    beadId?: string | null;
    rigId?: string | null;
    actor?: Actor | null;
  };
}[TownEventType];

/** Frames on the event stream WebSocket. */
export const StreamServerFrame = z.discriminatedUnion("t", [
  z.object({ t: z.literal("hello"), town: z.string(), after: z.number().int(), head: z.number().int() }),
  z.object({ t: z.literal("event"), event: TownEvent }),
  z.object({ t: z.literal("acked"), seq: z.number().int() }),
  z.object({ t: z.literal("error"), message: z.string() }),
]);
export type StreamServerFrame = z.infer<typeof StreamServerFrame>;

export const StreamClientFrame = z.discriminatedUnion("t", [
  /** The client has fully handled every event up to and including seq. */
  z.object({ t: z.literal("ack"), seq: z.number().int().nonnegative() }),
  z.object({ t: z.literal("ping") }),
]);
export type StreamClientFrame = z.infer<typeof StreamClientFrame>;
