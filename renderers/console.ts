import type { Token, Tokens } from "marked";
import type { ChatButton, ChatMessage } from "../core/chat";
import { childTokens, decodeEntities, lexMarkdown, plainText, tableText } from "./markdown-tokens";
import { renderTerminalConsole } from "./terminal";
import { cardEmoji } from "./tones";

/**
 * ChatMessage -> plain text lines for the local console chat: markdown flattened to
 * readable text, cards as a framed block, terminals verbatim, buttons as numbered choices.
 */

function inlinePlain(tokens: readonly Token[]): string {
  let out = "";
  for (const t of tokens) {
    if (t.type === "codespan") out += `\`${(t as Tokens.Codespan).text}\``;
    else if (t.type === "link") {
      const link = t as Tokens.Link;
      const label = plainText(link.tokens);
      out += label === link.href ? link.href : `${label} (${link.href})`;
    } else if (t.type === "br") out += "\n";
    else if (t.type === "checkbox") out += (t as Tokens.Checkbox).checked ? "[x] " : "[ ] ";
    else {
      const kids = childTokens(t);
      if (kids && kids.length > 0) out += inlinePlain(kids);
      else if ("text" in t && typeof t.text === "string") out += decodeEntities(t.text);
    }
  }
  return out;
}

function blockPlain(t: Token, depth: number): string {
  switch (t.type) {
    case "space":
    case "def":
      return "";
    case "code":
      return (t as Tokens.Code).text.replace(/^/gm, "    ");
    case "table":
      return tableText(t as Tokens.Table);
    case "hr":
      return "──────────";
    case "heading":
      return plainText((t as Tokens.Heading).tokens).toUpperCase();
    case "blockquote":
      return blocksPlain((t as Tokens.Blockquote).tokens, depth).replace(/^/gm, "│ ");
    case "list": {
      const l = t as Tokens.List;
      const start = typeof l.start === "number" ? l.start : 1;
      const indent = "  ".repeat(depth);
      return l.items
        .map((item, i) => {
          const bullet = l.ordered ? `${start + i}. ` : "• ";
          const out: string[] = [];
          let box = "";
          for (const part of item.tokens) {
            if (part.type === "checkbox") box = (part as Tokens.Checkbox).checked ? "[x] " : "[ ] ";
            else if (part.type === "list") out.push(blockPlain(part, depth + 1));
            else {
              const text = blockPlain(part, depth + 1);
              if (text === "") continue;
              const lead = out.length === 0 ? `${indent}${bullet}${box}` : indent + " ".repeat(bullet.length);
              out.push(lead + text.replace(/\n/g, `\n${indent}${" ".repeat(bullet.length)}`));
            }
          }
          return out.length > 0 ? out.join("\n") : `${indent}${bullet}${box}`.trimEnd();
        })
        .join("\n");
    }
    default: {
      const kids = childTokens(t);
      if (kids) return inlinePlain(kids);
      return "text" in t && typeof t.text === "string" ? decodeEntities(t.text) : "";
    }
  }
}

function blocksPlain(tokens: readonly Token[], depth: number): string {
  return tokens
    .map((t) => blockPlain(t, depth))
    .filter((s) => s !== "")
    .join("\n\n");
}

/** Markdown flattened to readable plain text. */
export function markdownToPlain(md: string): string {
  return blocksPlain(lexMarkdown(md), 0);
}

/** The numbered choices of a message's buttons: the console reads `1`, `2`, ... back. */
export function consoleButtonChoices(buttons: readonly ChatButton[]): { key: string; button: ChatButton }[] {
  return buttons.map((button, i) => ({ key: String(i + 1), button }));
}

/** A mention target as people read it in the console. */
function consoleMention(target: string): string {
  if (target === "channel" || target === "here") return "@channel";
  const [kind, id] = target.split(/:(.*)/s);
  return kind && id ? `@${id}` : `@${target}`;
}

/** Render a message as lines of plain text for the console chat. */
export function renderConsole(msg: ChatMessage): string[] {
  const lines: string[] = [];
  if (msg.mentions?.length) lines.push(msg.mentions.map(consoleMention).join(" "));
  if (msg.text.trim()) lines.push(...markdownToPlain(msg.text).split("\n"));
  const card = msg.card;
  if (card) {
    lines.push(`┌─ ${cardEmoji(card)} ${card.title}${card.url ? `  <${card.url}>` : ""}`);
    if (card.body?.trim()) lines.push(...markdownToPlain(card.body).split("\n").map((l) => `│ ${l}`));
    for (const f of card.fields) lines.push(`│ ${f.name}: ${markdownToPlain(f.value).replace(/\n/g, " ")}`);
    lines.push(card.footer?.trim() ? `└─ ${card.footer}` : "└─");
  }
  if (msg.terminal) {
    const title = msg.terminal.title ?? "terminal";
    lines.push(`── ${title} ${"─".repeat(Math.max(3, 60 - title.length))}`);
    lines.push(...renderTerminalConsole(msg.terminal).split("\n"));
    lines.push("─".repeat(64));
  }
  if (msg.buttons?.length) lines.push(consoleButtonChoices(msg.buttons).map((c) => `[${c.key}] ${c.button.label}`).join("  "));
  return lines;
}
