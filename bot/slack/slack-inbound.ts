import { z } from "zod";
import { USAGE } from "../commands/grammar";

/**
 * Slack wire payloads -> what the adapter needs, parsed with zod (the bot's input boundary).
 * Only the fields we use are required; Slack adds fields freely.
 */

export const SlashCommandPayload = z.looseObject({
  command: z.string(),
  text: z.string().default(""),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  trigger_id: z.string().min(1),
  team_id: z.string().optional(),
});

export const MessageEventPayload = z.looseObject({
  type: z.enum(["message", "app_mention"]),
  channel: z.string().min(1),
  user: z.string().optional(),
  text: z.string().default(""),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  channel_type: z.string().optional(),
});
export type MessageEventPayload = z.infer<typeof MessageEventPayload>;

export const BlockActionPayload = z.looseObject({
  type: z.literal("block_actions"),
  trigger_id: z.string().min(1),
  user: z.looseObject({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  channel: z.looseObject({ id: z.string().min(1) }).optional(),
  container: z.looseObject({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).optional(),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })).min(1),
});

/** Subtypes that are still a person talking (others are edits, joins, bot posts, ...). */
const PERSON_SUBTYPES = new Set([undefined, "thread_broadcast", "file_share"]);

export type ClassifiedMessage =
  | { kind: "ignore" }
  | { kind: "command"; text: string }
  | { kind: "message"; text: string; mentioned: boolean; dm: boolean };

/**
 * What a Slack message means to us: `!<cmd>` or `@gastown <cmd>` is a command (Slack forbids
 * slash commands in threads), other text is a message (mentioned or not, DM or not).
 */
export function classifyMessage(e: MessageEventPayload, botUserId: string | undefined): ClassifiedMessage {
  if (!PERSON_SUBTYPES.has(e.subtype) || e.bot_id || !e.user || (botUserId && e.user === botUserId)) return { kind: "ignore" };
  const text = e.text.trim();
  const bang = /^!([a-z][\s\S]*)$/i.exec(text);
  if (bang?.[1]) return { kind: "command", text: bang[1].trim() };
  const mention = botUserId ? `<@${botUserId}>` : null;
  const mentioned = e.type === "app_mention" || (mention !== null && text.includes(mention));
  const lead = mention && text.startsWith(mention) ? text.slice(mention.length).trim() : null;
  if (lead !== null) {
    const word = (/^(\S+)/.exec(lead)?.[1] ?? "").replace(/^!/, "").toLowerCase();
    if (word in USAGE) return { kind: "command", text: lead.replace(/^!/, "") };
  }
  return { kind: "message", text: lead ?? text, mentioned, dm: e.channel_type === "im" };
}
