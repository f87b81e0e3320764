import type { Token, Tokens } from "marked";
import { escapeDiscordMentions } from "./escape";
import { lexMarkdown, plainText, tableText } from "./markdown-tokens";

/**
 * Markdown -> Discord markdown. Discord speaks nearly the same dialect (bold, italic,
 * strike, code, fences with languages, quotes, lists, #/##/### headings, masked links), so
 * text passes through; what changes: mentions written in text are defused, tables become
 * fenced monospace text, and headings deeper than ### become bold lines.
 */

/** Defuse mentions outside inline code spans (Discord never pings inside code). */
function defuse(raw: string): string {
  return raw.replace(/(`+)[\s\S]*?\1|[^`]+|`+/g, (part) => (part.startsWith("`") ? part : escapeDiscordMentions(part)));
}

function convert(t: Token): string {
  switch (t.type) {
    case "code":
      return t.raw;
    case "table":
      return `\`\`\`\n${tableText(t as Tokens.Table)}\n\`\`\`${t.raw.endsWith("\n") ? "\n" : ""}`;
    case "heading": {
      const h = t as Tokens.Heading;
      if (h.depth <= 3) return defuse(t.raw);
      // A blank line after it, so a following `---` is a rule and not a setext underline.
      return `**${escapeDiscordMentions(plainText(h.tokens).replace(/\*/g, "\\*"))}**\n\n`;
    }
    default:
      return defuse(t.raw);
  }
}

/** Convert markdown to Discord markdown. */
export function markdownToDiscord(md: string): string {
  return lexMarkdown(md).map(convert).join("").trim();
}
