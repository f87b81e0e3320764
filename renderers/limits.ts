/**
 * The one table of chat platform limits, and the text helpers that keep renderers inside them.
 * Lengths are JavaScript string lengths (UTF-16 code units): never less than the character
 * counts the platforms use, so staying under them is always safe.
 */
export const LIMITS = {
  slack: {
    /** `text` of chat.postMessage (Slack truncates beyond this). */
    messageText: 40_000,
    /** A section block's text; the practical cap for one mrkdwn chunk. */
    sectionText: 3_000,
    blocksPerMessage: 50,
    buttonText: 75,
    actionId: 255,
    buttonValue: 2_000,
    headerText: 150,
    contextElements: 10,
    /** Fields of one section block, each at most `fieldText`. */
    fields: 10,
    fieldText: 2_000,
    /** Buttons in one actions block. */
    actionsElements: 25,
  },
  discord: {
    content: 2_000,
    embedTitle: 256,
    embedDescription: 4_096,
    embedFields: 25,
    fieldName: 256,
    fieldValue: 1_024,
    footer: 2_048,
    /** Sum of title, description, field names/values, footer, author over all embeds of a message. */
    embedTotal: 6_000,
    embedsPerMessage: 10,
    buttonsPerRow: 5,
    rowsPerMessage: 5,
    buttonLabel: 80,
    customId: 100,
    /** Thread names (used when a bead thread is opened). */
    threadName: 100,
  },
  console: {
    /** The local console has no limits. */
    messageText: Number.POSITIVE_INFINITY,
  },
} as const;

export type Limits = typeof LIMITS;

export const ELLIPSIS = "…";

/** True when the code unit at i is the second half of a surrogate pair (cutting there splits a character). */
function isLowSurrogateAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** A cut position at or below `at` that does not split a surrogate pair. */
function safeCut(text: string, at: number): number {
  return at > 0 && at < text.length && isLowSurrogateAt(text, at) ? at - 1 : at;
}

/** Shorten text to at most `limit` characters, ending with an ellipsis when shortened. */
export function truncate(text: string, limit: number, ellipsis: string = ELLIPSIS): string {
  if (text.length <= limit) return text;
  if (limit <= ellipsis.length) return ellipsis.slice(0, Math.max(0, limit));
  return text.slice(0, safeCut(text, limit - ellipsis.length)).trimEnd() + ellipsis;
}

/** Shorten text to at most `limit` characters keeping its END (what a terminal shows last). */
export function truncateStart(text: string, limit: number, ellipsis: string = ELLIPSIS): string {
  if (text.length <= limit) return text;
  if (limit <= ellipsis.length) return ellipsis.slice(0, Math.max(0, limit));
  const from = text.length - (limit - ellipsis.length);
  return ellipsis + text.slice(from < text.length && isLowSurrogateAt(text, from) ? from + 1 : from);
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const CLOSE_RESERVE = "\n```".length + 4; // the closing fence, with room for a longer fence marker

/**
 * The fence a chunk leaves open at its end: its opening line (e.g. "```ts"), or null when
 * every fence in it is closed. Follows CommonMark: a fence closes with the same character,
 * at least as long, and nothing after it.
 */
export function openFenceAtEnd(text: string): string | null {
  let open: { line: string; marker: string } | null = null;
  for (const line of text.split("\n")) {
    const m = FENCE_LINE.exec(line);
    if (!m) continue;
    const marker = m[1]!;
    if (open === null) open = { line: line.trimStart(), marker };
    else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && m[2]!.trim() === "") open = null;
  }
  return open?.line ?? null;
}

/** The closing fence line for an opening fence line. */
function closerFor(opener: string): string {
  return /^(`+|~+)/.exec(opener)?.[1] ?? "```";
}

/** Where to cut `body` within its first `size` characters: the best boundary, latest first. */
function breakPoint(body: string, size: number): { cut: number; skip: number } {
  const window = body.slice(0, size);
  const para = window.lastIndexOf("\n\n");
  if (para >= size / 2) return { cut: para, skip: 2 };
  const line = window.lastIndexOf("\n");
  if (line >= size / 4) return { cut: line, skip: 1 };
  // A word cut starts the rest on a new line: never where that would turn "x ```" into a fence.
  let word = window.lastIndexOf(" ");
  while (word > 0 && /^ *(`{3}|~{3})/.test(body.slice(word + 1, word + 8))) word = window.lastIndexOf(" ", word - 1);
  if (word > 0) return { cut: word, skip: 1 };
  if (line > 0) return { cut: line, skip: 1 };
  return { cut: hardCut(body, size), skip: 0 };
}

/** A cut inside a word, moved back so the rest does not start with ``` or ~~~ (a new fence). */
function hardCut(text: string, at: number): number {
  let cut = safeCut(text, at);
  while (cut > 1 && /^ {0,3}(`{3}|~{3})/.test(text.slice(cut, cut + 8))) cut--;
  return safeCut(text, cut);
}

/**
 * Split text into chunks of at most `limit` characters, cutting at paragraph, then line,
 * then word boundaries (a hard cut only when a word is longer than a chunk). A code fence
 * is never broken: a chunk that ends inside one closes it, and the next reopens it with
 * the same info string, so every chunk renders on its own.
 */
export function splitText(text: string, limit: number): string[] {
  if (!(limit > CLOSE_RESERVE * 2)) throw new RangeError(`splitText: limit ${limit} is too small`);
  if (text.length <= limit) return [text];
  const chunks: string[] = [];
  let reopen = "";
  let rest = text;
  while ((reopen + rest).length > limit) {
    const body = reopen + rest;
    const size = limit - CLOSE_RESERVE;
    const { cut, skip } = breakPoint(body, size);
    // The reopened fence line alone never counts as progress.
    const minCut = reopen.length + 1;
    const at = cut >= minCut ? { cut, skip } : { cut: hardCut(body, size), skip: 0 };
    let chunk = body.slice(0, at.cut).trimEnd();
    const open = openFenceAtEnd(chunk);
    rest = body.slice(at.cut + at.skip);
    reopen = "";
    if (open !== null) {
      const closer = closerFor(open);
      chunk += `\n${closer}`;
      const closing = /^\n* {0,3}(`{3,}|~{3,})[ \t]*(?:\n|$)/.exec(rest);
      // The fence closes right after the cut: this chunk's closer is that one; no empty reopen.
      if (closing && closing[1]![0] === closer[0] && closing[1]!.length >= closer.length) rest = rest.slice(closing[0].length);
      else reopen = open.length < limit / 4 ? `${open}\n` : `${closer}\n`;
    }
    chunks.push(chunk);
    if (reopen === "") rest = rest.replace(/^\n+/, "");
  }
  const last = reopen + rest;
  if (last.trim() !== "" && last.trim() !== reopen.trim()) chunks.push(last);
  return chunks;
}
