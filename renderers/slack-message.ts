import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from "@slack/types";
import type { ChatButton, ChatCard, ChatMessage } from "../core/chat";
import { GastownError } from "../core/errors";
import { escapeSlack } from "./escape";
import { LIMITS, splitText, truncate } from "./limits";
import { markdownToSlack } from "./markdown-slack";
import { renderTerminalSlack } from "./terminal";
import { cardEmoji } from "./tones";

/**
 * ChatMessage -> Slack chat.postMessage / chat.update payloads (Block Kit), inside Slack's
 * limits. The first payload carries the card and the buttons (it is the message to keep a
 * ref to and edit later); any further payloads carry the rest of a text too long for one.
 */

/** The parts of chat.postMessage / chat.update arguments that renderers decide. */
export interface SlackPayload {
  /** Fallback and notification text (mrkdwn). */
  text: string;
  blocks: KnownBlock[];
}

const L = LIMITS.slack;
/** Text sections per payload: keeps a payload well under Slack's overall message size. */
const MAX_TEXT_SECTIONS = 12;
/** Notification text is what shows in push notifications and previews: keep it short. */
const FALLBACK_TEXT = 3_000;

/** Slack mention markup for `user:<id>`, `group:<id>`, `channel`; other kinds do not exist in Slack. */
export function slackMention(target: string): string | null {
  if (target === "channel") return "<!channel>";
  if (target === "here") return "<!here>";
  const [kind, id] = target.split(/:(.*)/s) as [string, string | undefined];
  if (!id || !/^[A-Z0-9]+$/i.test(id)) return null;
  if (kind === "user") return `<@${id}>`;
  if (kind === "group") return `<!subteam^${id}>`;
  return null;
}

const mrkdwnSection = (text: string): SectionBlock => ({ type: "section", text: { type: "mrkdwn", text } });

/** Block Kit blocks of a card: title, body, fields (10 per section), footer. */
export function slackCardBlocks(card: ChatCard): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const marker = cardEmoji(card);
  if (card.url) {
    const title = escapeSlack(truncate(card.title, L.headerText * 2)).replace(/\|/g, "¦");
    blocks.push(mrkdwnSection(`${marker} *<${escapeSlack(card.url)}|${title}>*`));
  } else {
    blocks.push({ type: "header", text: { type: "plain_text", text: truncate(`${marker} ${card.title}`, L.headerText), emoji: true } });
  }
  if (card.body?.trim()) {
    const chunks = splitText(markdownToSlack(card.body), L.sectionText);
    blocks.push(...chunks.slice(0, 3).map(mrkdwnSection));
  }
  const fields = card.fields.filter((f) => f.name.trim() !== "" || f.value.trim() !== "");
  for (let i = 0; i < fields.length; i += L.fields) {
    blocks.push({
      type: "section",
      fields: fields.slice(i, i + L.fields).map((f) => ({
        type: "mrkdwn" as const,
        text: truncate(`*${escapeSlack(f.name)}*\n${markdownToSlack(f.value) || "—"}`, L.fieldText),
      })),
    });
  }
  if (card.footer?.trim()) {
    const footer: ContextBlock = { type: "context", elements: [{ type: "mrkdwn", text: truncate(markdownToSlack(card.footer), L.sectionText) }] };
    blocks.push(footer);
  }
  return blocks;
}

/** Check an id-like value fits where it must go: a cut id would press the wrong thing. */
function checkedId(kind: string, value: string, limit: number): string {
  if (value.length > limit) throw new GastownError("bad_request", `Slack ${kind} is ${value.length} characters; the limit is ${limit}`);
  return value;
}

/**
 * Actions blocks for buttons (25 per block). `action_id` is the button's action and `value`
 * its value; Slack wants action ids unique within a block, so a repeat gets `#2`, `#3`.
 */
export function slackActionBlocks(buttons: readonly ChatButton[]): ActionsBlock[] {
  const out: ActionsBlock[] = [];
  for (let i = 0; i < buttons.length; i += L.actionsElements) {
    const seen = new Map<string, number>();
    const elements = buttons.slice(i, i + L.actionsElements).map((b): Button => {
      const n = (seen.get(b.action) ?? 0) + 1;
      seen.set(b.action, n);
      const el: Button = {
        type: "button",
        text: { type: "plain_text", text: truncate(b.label, L.buttonText), emoji: true },
        action_id: checkedId("action_id", n === 1 ? b.action : `${b.action}#${n}`, L.actionId),
        value: checkedId("button value", b.value, L.buttonValue),
      };
      if (b.style) el.style = b.style;
      return el;
    });
    out.push({ type: "actions", elements });
  }
  return out;
}

/** Turn mrkdwn into notification text: links and mentions kept, fences flattened. */
function fallbackText(parts: string[]): string {
  const text = parts.filter((p) => p.trim() !== "").join("\n");
  return truncate(text.replace(/```\n?/g, ""), FALLBACK_TEXT);
}

/** Render a message as one or more Slack payloads (more only when its text is very long). */
export function renderSlackMessages(msg: ChatMessage): SlackPayload[] {
  const mentions = (msg.mentions ?? []).map(slackMention).filter((m): m is string => m !== null);
  const body = [mentions.join(" "), msg.text.trim() ? markdownToSlack(msg.text) : ""].filter((s) => s !== "").join("\n");
  const textChunks = body === "" ? [] : splitText(body, L.sectionText);

  const rest: KnownBlock[] = [];
  // A divider sets the card apart from the words above it.
  if (msg.card && textChunks.length > 0) rest.push({ type: "divider" });
  if (msg.card) rest.push(...slackCardBlocks(msg.card));
  if (msg.terminal) {
    if (msg.terminal.title) rest.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(escapeSlack(msg.terminal.title), L.sectionText) }] });
    rest.push(mrkdwnSection(renderTerminalSlack(msg.terminal, { limit: L.sectionText })));
  }
  if (msg.buttons?.length) rest.push(...slackActionBlocks(msg.buttons));

  const firstRoom = Math.max(1, Math.min(MAX_TEXT_SECTIONS, L.blocksPerMessage - rest.length));
  const first = textChunks.slice(0, firstRoom);
  const payloads: SlackPayload[] = [
    {
      text: fallbackText([...first.slice(0, 1), first.length === 0 ? (msg.card?.title ?? (msg.terminal ? "Terminal snapshot" : "")) : ""]) || " ",
      blocks: [...first.map(mrkdwnSection), ...rest].slice(0, L.blocksPerMessage),
    },
  ];
  for (let i = firstRoom; i < textChunks.length; i += MAX_TEXT_SECTIONS) {
    const chunk = textChunks.slice(i, i + MAX_TEXT_SECTIONS);
    payloads.push({ text: fallbackText(chunk.slice(0, 1)), blocks: chunk.map(mrkdwnSection) });
  }
  return payloads;
}

/** Render a message as exactly one Slack payload (for edits): overlong text is cut with a note. */
export function renderSlackMessage(msg: ChatMessage): SlackPayload {
  const payloads = renderSlackMessages(msg);
  const first = payloads[0]!;
  if (payloads.length === 1) return first;
  const note: ContextBlock = { type: "context", elements: [{ type: "mrkdwn", text: "_… message shortened_" }] };
  return { text: first.text, blocks: [...first.blocks.slice(0, L.blocksPerMessage - 1), note] };
}
