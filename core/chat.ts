import type { Severity } from "./domain";

/**
 * The chat port. Platforms (Slack, Discord, the local console) live only in bot/; they turn
 * their wire events into `Inbound` values and render `ChatMessage`s with renderers/.
 */
export type Platform = "slack" | "discord" | "console";

/** Where a message goes: a channel, or a thread in it. */
export interface ChatTarget {
  channelId: string;
  /** Slack: the thread's root ts. Discord: the thread channel id. */
  threadId?: string;
}

/** A posted message, enough to edit it later (stored in TownDO chat bindings). */
export interface ChatMessageRef {
  channelId: string;
  messageId: string;
  threadId?: string;
}

export interface ChatButton {
  /** Action id, e.g. `esc_ack`, `mr_approve`. */
  action: string;
  label: string;
  /** Opaque value sent back when pressed (e.g. the escalation bead id). */
  value: string;
  style?: "primary" | "danger";
}

/** A structured card (bead, merge request, convoy, escalation), rendered per platform. */
export interface ChatCard {
  title: string;
  url?: string;
  /** Markdown body. */
  body?: string;
  fields: { name: string; value: string; inline?: boolean }[];
  /** Accent: status colour. */
  tone?: "neutral" | "good" | "warning" | "danger" | "info";
  footer?: string;
  severity?: Severity;
}

/** A platform-neutral message. `text` is markdown; renderers convert it per platform. */
export interface ChatMessage {
  text: string;
  card?: ChatCard;
  buttons?: ChatButton[];
  /** A terminal snapshot: plain text plus ANSI (Discord keeps colours). */
  terminal?: { text: string; ansi: string; title?: string };
  /** Mention targets: `user:<id>`, `group:<id>` (Slack user group), `role:<id>` (Discord), `channel`. */
  mentions?: string[];
}

export interface ChatUser {
  id: string;
  name?: string;
  /**
   * Groups and roles the person holds, as town targets (`slack:group:S1`, `discord:role:42`),
   * when the adapter looked them up (merge approvals check them against the rig's approvers).
   */
  memberOf?: string[];
}

/** What a person did in chat, after the adapter verified and parsed it. */
export type Inbound =
  | {
      kind: "command";
      platform: Platform;
      eventId: string;
      user: ChatUser;
      target: ChatTarget;
      /** The text after `/gt`, `@gastown` or `!`, e.g. `sling fix login --priority P1`. */
      text: string;
    }
  | {
      kind: "message";
      platform: Platform;
      eventId: string;
      user: ChatUser;
      target: ChatTarget;
      text: string;
      mentioned: boolean;
      dm: boolean;
      /** The message's own id: a top-level mention starts the mayor's thread under it. */
      messageId?: string;
    }
  | { kind: "button"; platform: Platform; eventId: string; user: ChatUser; target: ChatTarget; action: string; value: string; messageId: string };

/** How the bot answers an inbound event directly (visible only to the sender, or in place). */
export interface Responder {
  /** Visible only to the sender (Slack ephemeral, Discord ephemeral reply, console note). */
  private(msg: ChatMessage): Promise<void>;
  /** Visible to everyone in the same channel/thread. */
  public(msg: ChatMessage): Promise<ChatMessageRef>;
}

export type InboundHandler = (event: Inbound, respond: Responder) => Promise<void>;

/** One chat platform. Every implementation runs the same contract suite. */
export interface ChatAdapter {
  readonly platform: Platform;
  /** Connect and start delivering inbound events to the handler. */
  start(handler: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  post(target: ChatTarget, msg: ChatMessage): Promise<ChatMessageRef>;
  update(ref: ChatMessageRef, msg: ChatMessage): Promise<void>;
  /** Upload a PNG (terminal picture) into a channel or thread. */
  uploadImage(target: ChatTarget, png: Uint8Array, filename: string, title: string): Promise<ChatMessageRef>;
  /** Start a thread under a posted message (Discord creates a thread channel). */
  openThread(ref: ChatMessageRef, name: string): Promise<ChatTarget>;
  /** A link people can open to reach a thread (the mayor links the beads it names); null when the platform has none. */
  threadUrl(target: ChatTarget): Promise<string | null>;
}
