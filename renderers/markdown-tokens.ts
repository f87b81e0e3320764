import { Lexer, type Token, type Tokens } from "marked";
import { textWidth } from "./char-width";

/** Shared helpers over marked's token tree, used by the Slack, Discord and console renderers. */

/** Lex markdown (GFM) into block tokens; a fresh lexer per call keeps this pure. */
export function lexMarkdown(md: string): Token[] {
  return new Lexer({ gfm: true }).lex(md);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Resolve the HTML entities markdown text may carry (`&amp;`, `&#39;`, `&#x1F600;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const cp = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Children of a token, if it has any. */
export function childTokens(t: Token): Token[] | undefined {
  return "tokens" in t && Array.isArray(t.tokens) ? (t.tokens as Token[]) : undefined;
}

/** The words of inline tokens with all formatting dropped (headings, link labels, table cells). */
export function plainText(tokens: readonly Token[]): string {
  let out = "";
  for (const t of tokens) {
    const kids = childTokens(t);
    if (t.type === "br") out += "\n";
    else if (t.type === "checkbox") out += (t as Tokens.Checkbox).checked ? "☑ " : "☐ ";
    else if (kids && kids.length > 0) out += plainText(kids);
    else if (t.type === "codespan" || t.type === "code") out += (t as Tokens.Codespan).text;
    else if ("text" in t && typeof t.text === "string") out += decodeEntities(t.text);
  }
  return out;
}

/** A GFM table as aligned monospace text (neither Slack nor Discord renders tables). */
export function tableText(table: Tokens.Table): string {
  const head = table.header.map((c) => plainText(c.tokens));
  const body = table.rows.map((r) => r.map((c) => plainText(c.tokens)));
  const widths = head.map((h, i) => Math.max(textWidth(h), ...body.map((r) => textWidth(r[i] ?? ""))));
  const pad = (s: string, i: number): string => {
    const room = (widths[i] ?? 0) - textWidth(s);
    const align = table.align[i];
    if (align === "right") return " ".repeat(room) + s;
    if (align === "center") return " ".repeat(Math.floor(room / 2)) + s + " ".repeat(Math.ceil(room / 2));
    return s + " ".repeat(room);
  };
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, i)).join(" | ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("-+-"), ...body.map(line)].join("\n");
}
