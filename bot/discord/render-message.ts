import {
  type APIActionRowComponent,
  type APIAllowedMentions,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  AllowedMentionsTypes,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import type { ChatButton, ChatCard, ChatMessage } from "../../core/chat";
import { LIMITS, truncate } from "../../renderers/limits";
import { renderTerminalDiscord } from "../../renderers/terminal";

/**
 * ChatMessage -> Discord message body. A stand-in until renderers/ ships its Discord markdown
 * and card renderers; it keeps every field within LIMITS.discord except `content`, which the
 * adapter splits (posts) or truncates (edits) because only it knows which of the two applies.
 */
export interface DiscordPayload {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowed_mentions: APIAllowedMentions;
}

const L = LIMITS.discord;

const TONE_COLOUR: Record<NonNullable<ChatCard["tone"]>, number> = {
  neutral: 0x99aab5,
  good: 0x2ecc71,
  warning: 0xf1c40f,
  danger: 0xe74c3c,
  info: 0x3498db,
};

/** Separator inside a button's custom_id: `${action}:${value}`. */
export const CUSTOM_ID_SEPARATOR = ":";

/** Renders a platform-neutral message as a Discord message body. */
export function renderDiscordMessage(msg: ChatMessage): DiscordPayload {
  const mentions = mentionsOf(msg.mentions ?? []);
  const parts = [mentions.prefix, msg.text, msg.terminal ? renderTerminalDiscord(msg.terminal) : ""].filter((p) => p.trim() !== "");
  return {
    content: parts.join("\n"),
    embeds: msg.card ? [cardEmbed(msg.card)] : [],
    components: buttonRows(msg.buttons ?? []),
    allowed_mentions: mentions.allowed,
  };
}

function mentionsOf(list: readonly string[]): { prefix: string; allowed: APIAllowedMentions } {
  const users: string[] = [];
  const roles: string[] = [];
  let here = false;
  for (const m of list) {
    const [kind, id] = m.split(":", 2);
    if (kind === "user" && id) users.push(id);
    else if (kind === "role" && id) roles.push(id);
    else if (kind === "channel") here = true;
  }
  const prefix = [...users.map((u) => `<@${u}>`), ...roles.map((r) => `<@&${r}>`), ...(here ? ["@here"] : [])].join(" ");
  // Only the people named in `mentions` are pinged; a mention typed inside text never pages anyone.
  return { prefix, allowed: { parse: here ? [AllowedMentionsTypes.Everyone] : [], users: users.slice(0, 100), roles: roles.slice(0, 100) } };
}

function cardEmbed(card: ChatCard): APIEmbed {
  const embed: APIEmbed = {
    title: truncate(card.title, L.embedTitle),
    color: TONE_COLOUR[card.tone ?? "neutral"],
    fields: card.fields.slice(0, L.embedFields).map((f) => ({
      name: truncate(f.name || "\u200b", L.fieldName),
      value: truncate(f.value || "\u200b", L.fieldValue),
      inline: f.inline ?? false,
    })),
  };
  if (card.url) embed.url = card.url;
  if (card.body) embed.description = truncate(card.body, L.embedDescription);
  const footer = [card.severity ? `severity: ${card.severity}` : "", card.footer ?? ""].filter(Boolean).join(" · ");
  if (footer) embed.footer = { text: truncate(footer, L.footer) };
  return embed;
}

function buttonRows(buttons: readonly ChatButton[]): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  const usable = buttons.slice(0, L.buttonsPerRow * L.rowsPerMessage);
  for (let i = 0; i < usable.length; i += L.buttonsPerRow) {
    rows.push({
      type: ComponentType.ActionRow,
      components: usable.slice(i, i + L.buttonsPerRow).map((b) => ({
        type: ComponentType.Button,
        custom_id: `${b.action}${CUSTOM_ID_SEPARATOR}${b.value}`.slice(0, L.customId),
        label: truncate(b.label, L.buttonLabel),
        style: b.style === "primary" ? ButtonStyle.Primary : b.style === "danger" ? ButtonStyle.Danger : ButtonStyle.Secondary,
      })),
    });
  }
  return rows;
}

/** Splits a received custom_id back into action and value (the value may itself hold `:`). */
export function parseCustomId(customId: string): { action: string; value: string } {
  const at = customId.indexOf(CUSTOM_ID_SEPARATOR);
  return at < 0 ? { action: customId, value: "" } : { action: customId.slice(0, at), value: customId.slice(at + 1) };
}
