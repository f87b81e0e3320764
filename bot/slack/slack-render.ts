import type { Block } from "@slack/web-api";
import type { ChatCard, ChatMessage } from "../../core/chat";
import { LIMITS, splitText, truncate } from "../../renderers/limits";
import { escapeSlack, renderTerminalSlack } from "../../renderers/terminal";

/**
 * ChatMessage -> Slack payloads (text fallback + Block Kit). A minimal local rendering until
 * renderers/ grows markdown -> mrkdwn and Block Kit cards; limits come from renderers/limits.
 */

/** A Block Kit block, as much of it as we build. */
export type SlackBlock = Block & Record<string, unknown>;
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

const L = LIMITS.slack;
const TONE_EMOJI: Record<NonNullable<ChatCard["tone"]>, string> = {
  neutral: "⚪",
  good: "🟢",
  warning: "🟡",
  danger: "🔴",
  info: "🔵",
};

/** Markdown (as we write it) -> Slack mrkdwn: `**b**` -> `*b*`, links, escaping of & < >. */
export function toMrkdwn(md: string): string {
  return escapeSlack(md)
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, t: string, u: string) => `<${u}|${t}>`);
}

/** `user:U1` -> `<@U1>`, `group:S1` -> `<!subteam^S1>`, `channel` -> `<!channel>`. */
export function slackMention(m: string): string | null {
  const [kind, id] = m.split(":");
  if (kind === "user" && id) return `<@${id}>`;
  if (kind === "group" && id) return `<!subteam^${id}>`;
  if (kind === "channel") return id ? `<#${id}>` : "<!channel>";
  return null;
}

const section = (text: string): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text } });

function cardBlocks(card: ChatCard): SlackBlock[] {
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: truncate(`${TONE_EMOJI[card.tone ?? "neutral"]} ${card.title}`, L.headerText), emoji: true } }];
  if (card.body) for (const chunk of splitText(toMrkdwn(card.body), L.sectionText)) blocks.push(section(chunk));
  if (card.fields.length > 0) {
    for (let i = 0; i < card.fields.length; i += L.fields) {
      const fields = card.fields.slice(i, i + L.fields).map((f) => ({ type: "mrkdwn", text: truncate(`*${escapeSlack(f.name)}*\n${toMrkdwn(f.value)}`, L.fieldText) }));
      blocks.push({ type: "section", fields });
    }
  }
  if (card.footer) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(toMrkdwn(card.footer), L.sectionText) }] });
  return blocks;
}

/** Render a message as one or more Slack payloads (more than one only when it is too long for one). */
export function renderSlack(msg: ChatMessage): SlackPayload[] {
  const mentions = (msg.mentions ?? []).map(slackMention).filter((m): m is string => m !== null);
  const lead = mentions.length > 0 ? `${mentions.join(" ")} ` : "";
  const blocks: SlackBlock[] = [];
  if (msg.card) {
    if (lead) blocks.push(section(lead.trim()));
    blocks.push(...cardBlocks(msg.card));
  } else {
    for (const chunk of splitText(lead + toMrkdwn(msg.text), L.sectionText)) blocks.push(section(chunk));
  }
  if (msg.terminal) blocks.push(section(renderTerminalSlack(msg.terminal)));
  const buttons = (msg.buttons ?? []).slice(0, L.actionsElements).map((b) => ({
    type: "button",
    action_id: b.action.slice(0, L.actionId),
    text: { type: "plain_text", text: truncate(b.label, L.buttonText), emoji: true },
    value: b.value.slice(0, L.buttonValue),
    ...(b.style ? { style: b.style } : {}),
  }));
  if (buttons.length > 0) blocks.push({ type: "actions", elements: buttons });
  const payloads: SlackPayload[] = [];
  for (let i = 0; i < blocks.length; i += L.blocksPerMessage) payloads.push({ text: "", blocks: blocks.slice(i, i + L.blocksPerMessage) });
  // The text is the notification and screen-reader fallback: the mentions must be in it to ping.
  const fallback = truncate(lead + toMrkdwn(msg.text), L.sectionText);
  for (const p of payloads) p.text = fallback;
  return payloads;
}
