import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIEmbed, APIEmbedField, ButtonStyle, ComponentType } from "discord-api-types/v10";
import type { ChatButton, ChatCard, ChatMessage } from "../core/chat";
import { GastownError } from "../core/errors";
import { escapeDiscordMentions } from "./escape";
import { LIMITS, splitText, truncate } from "./limits";
import { markdownToDiscord } from "./markdown-discord";
import { renderTerminalDiscord } from "./terminal";
import { cardColor } from "./tones";

/**
 * ChatMessage -> Discord message payloads (content, embeds, button rows), inside Discord's
 * limits. The shape is what discord.js `send`/`edit` take (`allowedMentions` in its
 * camelCase form; the REST API calls it `allowed_mentions`). The first payload carries the
 * card and the buttons; further payloads carry text that did not fit.
 */

const L = LIMITS.discord;

export type DiscordButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

export interface DiscordAllowedMentions {
  parse: ("users" | "roles" | "everyone")[];
  users: string[];
  roles: string[];
}

export interface DiscordPayload {
  content: string;
  embeds: APIEmbed[];
  components: DiscordButtonRow[];
  /** Only the message's own mention targets may ping; text never pings anyone. */
  allowedMentions: DiscordAllowedMentions;
}

const NO_MENTIONS: DiscordAllowedMentions = { parse: [], users: [], roles: [] };
/** Discord refuses a message with neither content nor embeds. */
const EMPTY_CONTENT = "\u200b";

/** `custom_id` of a button: `${action}:${value}`. */
export function discordCustomId(button: Pick<ChatButton, "action" | "value">): string {
  return `${button.action}:${button.value}`;
}

/** Read a button press back: the action before the first `:`, the value after it. */
export function parseDiscordCustomId(customId: string): { action: string; value: string } {
  const i = customId.indexOf(":");
  return i < 0 ? { action: customId, value: "" } : { action: customId.slice(0, i), value: customId.slice(i + 1) };
}

/** Mention markup and the allowed_mentions that lets exactly these ping. */
export function discordMentions(targets: readonly string[]): { text: string; allowed: DiscordAllowedMentions } {
  const allowed: DiscordAllowedMentions = { parse: [], users: [], roles: [] };
  const parts: string[] = [];
  for (const target of targets) {
    const [kind, id] = target.split(/:(.*)/s) as [string, string | undefined];
    if (target === "channel" || target === "here") {
      parts.push("@here");
      if (!allowed.parse.includes("everyone")) allowed.parse.push("everyone");
    } else if (id && /^\d{1,25}$/.test(id) && kind === "user") {
      parts.push(`<@${id}>`);
      allowed.users.push(id);
    } else if (id && /^\d{1,25}$/.test(id) && (kind === "role" || kind === "group")) {
      parts.push(`<@&${id}>`);
      allowed.roles.push(id);
    }
  }
  return { text: parts.join(" "), allowed };
}

/** Characters an embed counts towards the 6,000 total. */
function embedSize(e: APIEmbed): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

/** A card as an embed, accent colour from its tone or severity, within every embed limit. */
export function discordCardEmbed(card: ChatCard): APIEmbed {
  const embed: APIEmbed = { title: truncate(card.title, L.embedTitle), color: cardColor(card) };
  if (card.url) embed.url = card.url;
  const fields: APIEmbedField[] = card.fields.slice(0, L.embedFields).map((f) => ({
    name: truncate(escapeDiscordMentions(f.name), L.fieldName) || EMPTY_CONTENT,
    value: truncate(markdownToDiscord(f.value), L.fieldValue) || EMPTY_CONTENT,
    inline: f.inline ?? true,
  }));
  if (fields.length > 0) embed.fields = fields;
  if (card.footer?.trim()) embed.footer = { text: truncate(escapeDiscordMentions(card.footer), L.footer) };
  if (card.body?.trim()) {
    const room = L.embedTotal - embedSize(embed);
    embed.description = truncate(markdownToDiscord(card.body), Math.max(0, Math.min(L.embedDescription, room)));
    if (embed.description === "") delete embed.description;
  }
  while (embedSize(embed) > L.embedTotal && embed.fields && embed.fields.length > 0) embed.fields.pop();
  return embed;
}

function checkedCustomId(b: ChatButton): string {
  const id = discordCustomId(b);
  if (id.length > L.customId) throw new GastownError("bad_request", `Discord custom_id for ${b.action} is ${id.length} characters; the limit is ${L.customId}`);
  return id;
}

const STYLE: Record<NonNullable<ChatButton["style"]> | "default", ButtonStyle.Primary | ButtonStyle.Danger | ButtonStyle.Secondary> = {
  primary: 1 as ButtonStyle.Primary,
  danger: 4 as ButtonStyle.Danger,
  default: 2 as ButtonStyle.Secondary,
};

/** Buttons as action rows: 5 a row, 5 rows; a repeated custom_id is dropped (Discord rejects it). */
export function discordButtonRows(buttons: readonly ChatButton[]): DiscordButtonRow[] {
  const seen = new Set<string>();
  const unique = buttons.filter((b) => {
    const id = checkedCustomId(b);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const rows: DiscordButtonRow[] = [];
  for (let i = 0; i < unique.length && rows.length < L.rowsPerMessage; i += L.buttonsPerRow) {
    rows.push({
      type: 1 as ComponentType.ActionRow,
      components: unique.slice(i, i + L.buttonsPerRow).map((b) => ({
        type: 2 as ComponentType.Button,
        style: STYLE[b.style ?? "default"],
        label: truncate(b.label, L.buttonLabel),
        custom_id: discordCustomId(b),
      })),
    });
  }
  return rows;
}

/** The terminal part of a message's content, within `limit`. */
function terminalContent(terminal: NonNullable<ChatMessage["terminal"]>, limit: number): string {
  const title = terminal.title ? `**${truncate(escapeDiscordMentions(terminal.title), 200)}**\n` : "";
  return title + renderTerminalDiscord(terminal, { limit: limit - title.length });
}

/** Render a message as one or more Discord payloads (more only when text and terminal do not fit one). */
export function renderDiscordMessages(msg: ChatMessage): DiscordPayload[] {
  const mentions = discordMentions(msg.mentions ?? []);
  const text = [mentions.text, msg.text.trim() ? markdownToDiscord(msg.text) : ""].filter((s) => s !== "").join("\n");
  const chunks = text === "" ? [] : splitText(text, L.content);
  if (msg.terminal) {
    const last = chunks[chunks.length - 1];
    const term = terminalContent(msg.terminal, L.content);
    if (last !== undefined && last.length + 1 + term.length <= L.content) chunks[chunks.length - 1] = `${last}\n${term}`;
    else chunks.push(term);
  }
  const embeds = msg.card ? [discordCardEmbed(msg.card)] : [];
  const components = msg.buttons?.length ? discordButtonRows(msg.buttons) : [];
  const first: DiscordPayload = { content: chunks[0] ?? "", embeds, components, allowedMentions: mentions.allowed };
  if (first.content === "" && embeds.length === 0) first.content = EMPTY_CONTENT;
  return [first, ...chunks.slice(1).map((content) => ({ content, embeds: [], components: [], allowedMentions: NO_MENTIONS }))];
}

/** Render a message as exactly one Discord payload (for edits): text is cut to leave room for the terminal. */
export function renderDiscordMessage(msg: ChatMessage): DiscordPayload {
  const payloads = renderDiscordMessages(msg);
  if (payloads.length === 1) return payloads[0]!;
  const mentions = discordMentions(msg.mentions ?? []);
  const text = [mentions.text, msg.text.trim() ? markdownToDiscord(msg.text) : ""].filter((s) => s !== "").join("\n");
  // The terminal gets what it needs up to 3/4 of the message; the text gets the rest.
  const term = msg.terminal ? terminalContent(msg.terminal, Math.floor((L.content * 3) / 4)) : "";
  const room = L.content - term.length - (term ? 1 : 0);
  const head = room > 100 && text !== "" ? `${splitText(text, room - 2)[0]!}\n…` : "";
  const content = [head, term].filter((s) => s !== "").join("\n");
  return { ...payloads[0]!, content: content || EMPTY_CONTENT };
}
