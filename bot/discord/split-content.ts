/** Discord's hard limit for a message's `content`. */
export const DISCORD_CONTENT_LIMIT = 2000;

const FENCE = /^```(\S*)\s*$/;

/**
 * Splits markdown into pieces of at most `limit` characters, preferring line breaks, then
 * spaces. A code block cut in two is closed at the end of one piece and reopened (with its
 * language, e.g. `ansi`) at the start of the next, so each piece renders on its own.
 */
export function splitContent(text: string, limit = DISCORD_CONTENT_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const pieces: string[] = [];
  let rest = text;
  let reopen = ""; // fence opener carried into the next piece
  while (rest.length > 0) {
    const budget = limit - reopen.length;
    // Room for a closing fence if this piece may end inside a code block.
    const room = budget - 4;
    if (reopen.length + rest.length <= limit) {
      pieces.push(reopen + rest);
      break;
    }
    let cut = pickCut(rest, room);
    let piece = rest.slice(0, cut);
    const lang = openFenceAtEnd(reopen + piece);
    if (lang === null) {
      // Not inside a block: the 4 reserved characters are free, try a longer cut.
      cut = pickCut(rest, budget);
      piece = rest.slice(0, cut);
      const again = openFenceAtEnd(reopen + piece);
      if (again !== null) {
        cut = pickCut(rest, room);
        piece = rest.slice(0, cut);
      }
    }
    const open = openFenceAtEnd(reopen + piece);
    const body = piece.replace(/\n$/, "");
    pieces.push(open === null ? reopen + body : `${reopen}${body}\n\`\`\``);
    reopen = open === null ? "" : `\`\`\`${open}\n`;
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  return pieces.filter((p) => p.length > 0);
}

/** Where to cut `text` so the head is at most `max` characters. */
function pickCut(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const window = text.slice(0, max);
  const nl = window.lastIndexOf("\n");
  if (nl > max / 2) return nl + 1;
  const sp = window.lastIndexOf(" ");
  if (sp > max / 2) return sp + 1;
  return Math.max(1, max);
}

/** The language of a code fence left open at the end of `text`, or null if all are closed. */
function openFenceAtEnd(text: string): string | null {
  let open: string | null = null;
  for (const line of text.split("\n")) {
    const m = FENCE.exec(line.trim());
    if (!m) continue;
    open = open === null ? (m[1] ?? "") : null;
  }
  return open;
}

/** Cuts `text` to `limit` characters with an ellipsis (for edits, which cannot add messages). */
export function truncateContent(text: string, limit = DISCORD_CONTENT_LIMIT): string {
  if (text.length <= limit) return text;
  const head = splitContent(text, limit - 2)[0] ?? "";
  return `${head}\n…`;
}
