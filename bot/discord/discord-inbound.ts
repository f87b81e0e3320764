import type { ChatTarget, ChatUser, Inbound } from "../../core/chat";
import { commandText, type ReceivedOption } from "./commands";
import { parseDiscordCustomId } from "../../renderers/discord-message";

/**
 * What the adapter needs to know about an interaction, whether it came over the Gateway
 * (discord.js objects) or the HTTP endpoint (raw JSON). Both are reduced to this first, so
 * one function makes the Inbound and one responder answers it.
 */
export interface InteractionFacts {
  id: string;
  applicationId: string;
  token: string;
  kind: "command" | "button";
  user: ChatUser;
  /** Where it happened: the thread's own id when in a thread. */
  channelId: string;
  /** The thread's parent channel, when `channelId` is a thread. */
  parentId: string | null;
  dm: boolean;
  /** Chat input command: its name and options. */
  commandName?: string;
  options?: readonly ReceivedOption[];
  /** Button: its custom_id and the message it is on. */
  customId?: string;
  messageId?: string;
}

/** Where to answer in chat terms: a thread is the parent channel plus the thread id. */
export function targetOf(channelId: string, parentId: string | null): ChatTarget {
  return parentId ? { channelId: parentId, threadId: channelId } : { channelId };
}

/** Interaction -> Inbound (`command` for `/gt ...`, `button` for a pressed button). */
export function interactionInbound(f: InteractionFacts): Inbound {
  const base = { platform: "discord" as const, eventId: f.id, user: f.user, target: targetOf(f.channelId, f.parentId) };
  if (f.kind === "button") {
    const { action, value } = parseDiscordCustomId(f.customId ?? "");
    return { ...base, kind: "button", action, value, messageId: f.messageId ?? "" };
  }
  return { ...base, kind: "command", text: commandText(f.options ?? []) };
}

/** What the adapter needs to know about a message someone wrote. */
export interface MessageFacts {
  id: string;
  user: ChatUser;
  content: string;
  channelId: string;
  parentId: string | null;
  dm: boolean;
  /** True when the message @-mentions the bot user. */
  mentioned: boolean;
  botUserId: string;
}

/**
 * Message -> Inbound. The bot's own mention is removed from the text. A message that starts
 * with `!` is a command (`!nudge hi` -> `nudge hi`), as in Slack threads; anything else is a
 * message for the router (mail to a bead's agent in a bead thread, the mayor otherwise).
 */
export function messageInbound(f: MessageFacts): Inbound {
  const text = f.content.replace(new RegExp(`<@!?${f.botUserId}>`, "g"), "").trim();
  const base = { platform: "discord" as const, eventId: f.id, user: f.user, target: targetOf(f.channelId, f.parentId) };
  const bang = /^!(\S[\s\S]*)$/.exec(text);
  if (bang?.[1]) return { ...base, kind: "command", text: bang[1].trim() };
  // A guild message can hold a thread (the mayor's conversation under a mention); a DM cannot.
  return { ...base, kind: "message", text, mentioned: f.mentioned, dm: f.dm, ...(f.dm || f.parentId ? {} : { messageId: f.id }) };
}
