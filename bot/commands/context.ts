import type { ChatMessage, Platform } from "../../core/chat";
import type { Actor } from "../../core/domain";
import type { TownClient } from "../town-client";

/** A reply to a command: visible only to the sender, or to everyone in the channel/thread. */
export interface Reply {
  visibility: "private" | "public";
  msg: ChatMessage;
}

/** What a command runs with: the town, who typed it, and where. */
export interface CommandContext {
  town: TownClient;
  platform: Platform;
  actor: Actor;
  /** Groups/roles of the person (`slack:group:S1`), for merge approvals. */
  memberOf?: string[];
  channelId: string;
  threadId?: string;
  /** The bead of the thread the command was typed in, if any. */
  threadBead?: string;
  /** How commands are typed on this platform (`/gt `, `!`). */
  prefix: string;
  /** The clock (dates in replies); Date.now by default. */
  now?: () => number;
}

export const priv = (text: string, extra: Partial<ChatMessage> = {}): Reply => ({ visibility: "private", msg: { text, ...extra } });
export const pub = (text: string, extra: Partial<ChatMessage> = {}): Reply => ({ visibility: "public", msg: { text, ...extra } });
export const code = (s: string) => `\`${s.replace(/`/g, "ˋ")}\``;
