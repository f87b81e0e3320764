import type { Token, Tokens } from "marked";
import { childTokens, decodeEntities, lexMarkdown, plainText, tableText } from "./markdown-tokens";
import { escapeSlack, neutraliseBackticks } from "./escape";

/**
 * Markdown -> Slack mrkdwn. Slack has its own dialect: *bold*, _italic_, ~strike~,
 * <url|label> links, ``` fences without a language, no headings or tables, and &, <, >
 * must be escaped everywhere or Slack reads them as its own markup.
 */

/** A URL as Slack accepts it inside <...|...>: escaped, and no `|` or `>` to end the link early. */
function slackUrl(href: string): string {
  return escapeSlack(href.replace(/\|/g, "%7C").replace(/\s/g, "%20"));
}

/** Label text inside a link: escaped, and no `|` or `>`. */
function slackLabel(text: string): string {
  return escapeSlack(text.replace(/\|/g, "¦")).replace(/\n/g, " ");
}

/** Wrap formatted text in a marker; Slack only applies markers around non-blank text. */
function wrap(marker: string, inner: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner)!;
  return m[2] === "" ? inner : `${m[1]}${marker}${m[2]}${marker}${m[3]}`;
}

function inline(tokens: readonly Token[]): string {
  let out = "";
  for (const t of tokens) {
    switch (t.type) {
      case "strong":
        out += wrap("*", inline((t as Tokens.Strong).tokens));
        break;
      case "em":
        out += wrap("_", inline((t as Tokens.Em).tokens));
        break;
      case "del":
        out += wrap("~", inline((t as Tokens.Del).tokens));
        break;
      case "codespan":
        // Slack code spans cannot contain a backtick: show a look-alike instead.
        out += `\`${escapeSlack((t as Tokens.Codespan).text.replace(/`/g, "ˋ"))}\``;
        break;
      case "link": {
        const link = t as Tokens.Link;
        const label = plainText(link.tokens);
        out += link.autolink || label === link.href ? `<${slackUrl(link.href)}>` : `<${slackUrl(link.href)}|${slackLabel(label)}>`;
        break;
      }
      case "image": {
        const img = t as Tokens.Image;
        out += `<${slackUrl(img.href)}|${slackLabel(img.text || "image")}>`;
        break;
      }
      case "br":
        out += "\n";
        break;
      case "checkbox":
        out += (t as Tokens.Checkbox).checked ? "☑ " : "☐ ";
        break;
      case "escape":
      case "html":
        out += escapeSlack((t as Tokens.Escape).text);
        break;
      default: {
        const kids = childTokens(t);
        if (kids && kids.length > 0) out += inline(kids);
        else if ("text" in t && typeof t.text === "string") out += escapeSlack(decodeEntities(t.text));
      }
    }
  }
  return out;
}

/** A fenced block of literal text. */
function fence(text: string): string {
  return `\`\`\`\n${escapeSlack(neutraliseBackticks(text))}\n\`\`\``;
}

function list(l: Tokens.List, depth: number): string {
  const start = typeof l.start === "number" ? l.start : 1;
  const indent = "    ".repeat(depth);
  return l.items
    .map((item, i) => {
      const bullet = l.ordered ? `${start + i}.` : depth % 2 === 0 ? "•" : "◦";
      const parts: string[] = [];
      let lead = "";
      for (const t of item.tokens) {
        if (t.type === "list") parts.push(list(t as Tokens.List, depth + 1));
        else if (t.type === "checkbox") lead = (t as Tokens.Checkbox).checked ? "☑ " : "☐ ";
        else {
          const text = block(t, depth + 1);
          if (text !== "") parts.push(parts.length === 0 ? `${indent}${bullet} ${lead}${text}` : text.replace(/^/gm, `${indent}    `));
        }
      }
      if (parts.length === 0 || !parts[0]!.startsWith(indent + bullet)) parts.unshift(`${indent}${bullet} ${lead}`.trimEnd());
      return parts.join("\n");
    })
    .join("\n");
}

function block(t: Token, depth = 0): string {
  switch (t.type) {
    case "space":
    case "def":
      return "";
    case "heading":
      return wrap("*", escapeSlack(plainText((t as Tokens.Heading).tokens)));
    case "code":
      return fence((t as Tokens.Code).text);
    case "table":
      return fence(tableText(t as Tokens.Table));
    case "hr":
      return "──────────";
    case "blockquote":
      return blocks((t as Tokens.Blockquote).tokens)
        .split("\n")
        .map((l) => `> ${l}`)
        .join("\n");
    case "list":
      return list(t as Tokens.List, depth);
    case "html":
      return escapeSlack((t as Tokens.HTML).text.trimEnd());
    default: {
      const kids = childTokens(t);
      if (kids) return inline(kids);
      return "text" in t && typeof t.text === "string" ? escapeSlack(decodeEntities(t.text)) : "";
    }
  }
}

function blocks(tokens: readonly Token[]): string {
  return tokens
    .map((t) => block(t))
    .filter((s) => s !== "")
    .join("\n\n");
}

/** Convert markdown to Slack mrkdwn text. */
export function markdownToSlack(md: string): string {
  return blocks(lexMarkdown(md));
}

/** Plain text escaped for Slack (for strings that are not markdown: names, ids, values). */
export function slackText(text: string): string {
  return escapeSlack(text);
}
