import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Actor, RigConfig } from "../core/domain";

/**
 * TownDO SQLite schema: one town's whole state. Migrations are generated from this file
 * by drizzle-kit (`npm run db:generate`) and applied once in the DO constructor.
 */

const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const townMeta = sqliteTable("town_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const rigs = sqliteTable(
  "rigs",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    gitUrl: text("git_url").notNull(),
    defaultBranch: text("default_branch").notNull(),
    beadPrefix: text("bead_prefix").notNull(),
    config: json<RigConfig>("config").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("rigs_name").on(t.name)],
);

export const beads = sqliteTable(
  "beads",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    status: text("status").notNull(),
    /** 0 (P0, most urgent) .. 4 */
    priority: integer("priority").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    labels: json<string[]>("labels").notNull(),
    rigId: text("rig_id"),
    assignee: text("assignee"),
    parentId: text("parent_id"),
    createdBy: json<Actor>("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    closedAt: integer("closed_at"),
  },
  (t) => [
    // The ready queue walks this index: open work by priority then age.
    // id last so ties in created_at come out in a stable order straight from the index.
    index("beads_ready").on(t.status, t.priority, t.createdAt, t.id),
    // The same walk within one rig.
    index("beads_rig_ready").on(t.rigId, t.status, t.priority, t.createdAt, t.id),
    index("beads_rig").on(t.rigId, t.status),
    index("beads_parent").on(t.parentId),
    index("beads_type").on(t.type, t.status),
  ],
);

/** `beadId` depends on `dependsOnId` (blocks: cannot start before it closes). */
export const beadDeps = sqliteTable(
  "bead_deps",
  {
    beadId: text("bead_id").notNull(),
    dependsOnId: text("depends_on_id").notNull(),
    type: text("type").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.beadId, t.dependsOnId, t.type] }), index("bead_deps_target").on(t.dependsOnId, t.type)],
);

/** Append-only audit of every change to a bead. */
export const beadEvents = sqliteTable(
  "bead_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    beadId: text("bead_id").notNull(),
    kind: text("kind").notNull(),
    actor: json<Actor>("actor").notNull(),
    data: json<Record<string, unknown>>("data").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("bead_events_bead").on(t.beadId, t.id)],
);

export const agents = sqliteTable(
  "agents",
  {
    id: text("id").primaryKey(),
    role: text("role").notNull(),
    rigId: text("rig_id"),
    status: text("status").notNull(),
    hookedBeadId: text("hooked_bead_id"),
    kind: text("kind").notNull(),
    lastHeartbeatAt: integer("last_heartbeat_at"),
    lastActivityAt: integer("last_activity_at"),
    /** Times the witness restarted it for its current hook. */
    restarts: integer("restarts").notNull().default(0),
    /** Times in a row a dispatch to the runtime failed (drives backoff). */
    dispatchFailures: integer("dispatch_failures").notNull().default(0),
    nextDispatchAt: integer("next_dispatch_at"),
    lastNudgeAt: integer("last_nudge_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("agents_rig").on(t.rigId, t.role, t.status), index("agents_hook").on(t.hookedBeadId)],
);

export const mergeRequests = sqliteTable(
  "merge_requests",
  {
    /** The merge_request bead. */
    beadId: text("bead_id").primaryKey(),
    sourceBeadId: text("source_bead_id").notNull(),
    rigId: text("rig_id").notNull(),
    branch: text("branch").notNull(),
    target: text("target").notNull(),
    state: text("state").notNull(),
    attempts: integer("attempts").notNull().default(0),
    summary: text("summary").notNull().default(""),
    detail: text("detail"),
    result: json<Record<string, unknown>>("result"),
    commit: text("commit"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** The polecat whose branch this is (the bead goes back to it on a rejection). */
    agentId: text("agent_id"),
    /** When it (re-)entered the queue: the refinery takes the oldest first. */
    queuedAt: integer("queued_at").notNull().default(0),
    /** A person's approval (merge policy `approve`): the next run pushes. */
    approvedBy: text("approved_by"),
    approvedAt: integer("approved_at"),
    /** After a refinery error (container down), not retried before this time. */
    nextAttemptAt: integer("next_attempt_at"),
  },
  (t) => [index("merge_requests_queue").on(t.rigId, t.state, t.createdAt), index("merge_requests_order").on(t.rigId, t.state, t.queuedAt)],
);

export const convoys = sqliteTable("convoys", {
  /** The convoy bead. */
  beadId: text("bead_id").primaryKey(),
  name: text("name").notNull(),
  landedAt: integer("landed_at"),
});

export const convoyBeads = sqliteTable(
  "convoy_beads",
  {
    convoyId: text("convoy_id").notNull(),
    beadId: text("bead_id").notNull(),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.convoyId, t.beadId] }), index("convoy_beads_bead").on(t.beadId)],
);

export const escalations = sqliteTable(
  "escalations",
  {
    /** The escalation bead (title and body live there). */
    beadId: text("bead_id").primaryKey(),
    severity: text("severity").notNull(),
    /** Original severity before any bump. */
    initialSeverity: text("initial_severity").notNull(),
    /** Who raised it: agent id, `witness`, or a chat user. */
    source: text("source").notNull(),
    sourceAgentId: text("source_agent_id"),
    /** The work bead it is about, if any. */
    subjectBeadId: text("subject_bead_id"),
    metadata: json<Record<string, unknown>>("metadata").notNull(),
    ackedBy: text("acked_by"),
    ackedAt: integer("acked_at"),
    resolvedBy: text("resolved_by"),
    resolvedAt: integer("resolved_at"),
    reescalations: integer("reescalations").notNull().default(0),
    nextDeadlineAt: integer("next_deadline_at"),
    createdAt: integer("created_at").notNull(),
    /** Who the latest ping went to (or will go to, while held); null on rows from before routing was stored. */
    targets: json<string[]>("targets"),
    /** The on-call entry and rotation shift that served the latest ping (the next ping moves on from it). */
    route: json<{ scope: string; severity: string; shift: number | null }>("route"),
    /** Quiet hours: the ping waits until then (low and medium only). */
    heldUntil: integer("held_until"),
    snoozedUntil: integer("snoozed_until"),
    snoozedBy: text("snoozed_by"),
    /** Seq of the latest ping event (escalation_raised / escalation_reescalated): the one a failure report retries. */
    pingSeq: integer("ping_seq"),
    /** Failed deliveries of the latest ping and when it is re-sent. */
    pingFailures: integer("ping_failures").notNull().default(0),
    pingRetryAt: integer("ping_retry_at"),
  },
  (t) => [index("escalations_due").on(t.ackedAt, t.nextDeadlineAt)],
);

export const oncall = sqliteTable(
  "oncall",
  {
    /** `*` for the whole town, else a rig id. */
    scope: text("scope").notNull(),
    severity: text("severity").notNull(),
    targets: json<string[]>("targets").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** Optional rotation: target sets that take turns on a fixed period from a start time. */
    rotation: json<{ shifts: string[][]; startsAt: number; everyMs: number }>("rotation"),
  },
  (t) => [primaryKey({ columns: [t.scope, t.severity] })],
);

/** Quiet hours (`*` for the whole town, else a rig id): low and medium pings wait until they end. */
export const quietHours = sqliteTable("quiet_hours", {
  scope: text("scope").primaryKey(),
  /** Local wall-clock `HH:MM` in `timeZone`; a window with start > end crosses midnight. */
  start: text("start").notNull(),
  end: text("end").notNull(),
  timeZone: text("time_zone").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const mail = sqliteTable(
  "mail",
  {
    /** The message bead (subject = title, body = body). */
    beadId: text("bead_id").primaryKey(),
    fromId: text("from_id").notNull(),
    toAgentId: text("to_agent_id").notNull(),
    deliveredAt: integer("delivered_at"),
    readAt: integer("read_at"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("mail_inbox").on(t.toAgentId, t.deliveredAt)],
);

export const chatChannels = sqliteTable(
  "chat_channels",
  {
    platform: text("platform").notNull(),
    channelId: text("channel_id").notNull(),
    rigId: text("rig_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.channelId] }), index("chat_channels_rig").on(t.rigId)],
);

export const chatThreads = sqliteTable(
  "chat_threads",
  {
    platform: text("platform").notNull(),
    beadId: text("bead_id").notNull(),
    channelId: text("channel_id").notNull(),
    threadId: text("thread_id").notNull(),
    cardMessageId: text("card_message_id"),
    snapshotMessageId: text("snapshot_message_id"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.beadId] }), uniqueIndex("chat_threads_thread").on(t.platform, t.channelId, t.threadId)],
);

/** The outbox: every change people should see, in order. */
export const townEvents = sqliteTable("town_events", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  type: text("type").notNull(),
  beadId: text("bead_id"),
  rigId: text("rig_id"),
  actor: json<Actor>("actor"),
  data: json<Record<string, unknown>>("data").notNull(),
  at: integer("at").notNull(),
});

/** Platform event ids already handled (Slack retries, Discord resumes). */
export const inboundDedupe = sqliteTable(
  "inbound_dedupe",
  {
    platform: text("platform").notNull(),
    eventId: text("event_id").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.eventId] }), index("inbound_dedupe_at").on(t.at)],
);

export const mayorConversations = sqliteTable(
  "mayor_conversations",
  {
    id: text("id").primaryKey(),
    platform: text("platform").notNull(),
    channelId: text("channel_id").notNull(),
    threadId: text("thread_id").notNull(),
    userId: text("user_id").notNull(),
    summary: text("summary").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // One conversation per chat thread.
  (t) => [uniqueIndex("mayor_conversations_thread").on(t.platform, t.channelId, t.threadId)],
);

export const mayorMessages = sqliteTable(
  "mayor_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: text("conversation_id").notNull(),
    role: text("role").notNull(),
    content: json<unknown>("content").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("mayor_messages_conv").on(t.conversationId, t.id)],
);
