import { measureAnsi, measureText } from "./ansi-measure";
import { BOLD, type Cell, DIM, INVERSE, ITALIC, parseAnsiScreen, type Run, rowRuns, rowText, STRIKE, type Screen, UNDERLINE } from "./ansi-screen";
import { escapeSlack, neutraliseBackticks } from "./escape";
import { LIMITS, truncateStart } from "./limits";
import { DEFAULT_COLOR, nearestBasic } from "./palette";

/**
 * Terminal snapshots as chat text: a Slack code block, a Discord `ansi` code block (colours
 * kept), and console text. A screen that does not fit keeps its BOTTOM lines: that is where
 * the agent's latest output and prompt are.
 */

/** What the renderers need of a snapshot (`Snapshot` from core/container-api fits, and so does `ChatMessage.terminal`). */
export interface TerminalScreen {
  /** Plain text, one line per row. */
  text: string;
  /** The same screen as serialized ANSI. */
  ansi: string;
  cols?: number;
  rows?: number;
}

export { escapeSlack, neutraliseBackticks };

export interface TerminalTextOptions {
  /** Total characters allowed, fences included. */
  limit?: number;
}

/** Drop blank lines at the end: an agent's screen is often empty below its prompt. */
function trimTrailingBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === "") end--;
  return lines.slice(0, end);
}

const aboveNote = (n: number): string => `… ${n} more lines above`;

/**
 * Keep the last lines whose joined length fits `budget`; if lines were dropped, a first
 * line says how many. A single line too long for the budget keeps its end (`plainOf` gives
 * that line without markup, so no escape sequence is cut in half).
 */
function keepBottom(lines: string[], budget: number, plainOf: (i: number) => string = (i) => lines[i]!): string[] {
  let used = 0;
  let start = lines.length;
  while (start > 0) {
    const add = lines[start - 1]!.length + (start < lines.length ? 1 : 0);
    if (used + add > budget) break;
    used += add;
    start--;
  }
  if (start === 0) return lines;
  if (start === lines.length) return [truncateStart(plainOf(lines.length - 1), budget)];
  const kept = lines.slice(start);
  while (kept.length > 1 && used + aboveNote(lines.length - kept.length).length + 1 > budget) used -= kept.shift()!.length + 1;
  const note = aboveNote(lines.length - kept.length);
  return used + note.length + 1 <= budget ? [note, ...kept] : kept;
}

/** Slack: the plain screen in a ``` code block, escaped, within `limit` (default: one section block). */
export function renderTerminalSlack(screen: TerminalScreen, opts: TerminalTextOptions = {}): string {
  const limit = opts.limit ?? LIMITS.slack.sectionText;
  const open = "```\n";
  const close = "\n```";
  const lines = trimTrailingBlank(plainLines(screen)).map((l) => escapeSlack(neutraliseBackticks(l.trimEnd())));
  const body = keepBottom(lines, limit - open.length - close.length);
  return `${open}${body.length > 0 ? body.join("\n") : " "}${close}`;
}

/** Console: the plain screen, trailing blank lines dropped. */
export function renderTerminalConsole(screen: TerminalScreen): string {
  return trimTrailingBlank(plainLines(screen).map((l) => l.trimEnd())).join("\n");
}

/** The screen's plain rows: its text, or (when a caller only has ANSI) the text of the parsed grid. */
function plainLines(screen: TerminalScreen): string[] {
  if (screen.text !== "" || screen.ansi === "") return screen.text.split("\n");
  return screenOf(screen).cells.map(rowText);
}

/** Parse a terminal screen's ANSI, sized from the snapshot or else estimated from its text and ANSI. */
export function screenOf(screen: TerminalScreen): Screen {
  if (screen.cols && screen.rows) return parseAnsiScreen(screen.ansi, screen.cols, screen.rows);
  const fromText = measureText(screen.text);
  const fromAnsi = measureAnsi(screen.ansi);
  const size = { cols: Math.max(fromText.cols, fromAnsi.cols), rows: Math.max(fromText.rows, fromAnsi.rows) };
  return parseAnsiScreen(screen.ansi, size.cols, size.rows);
}

interface DiscordStyle {
  fg: number | null;
  bg: number | null;
  bold: boolean;
  underline: boolean;
}

const PLAIN: DiscordStyle = { fg: null, bg: null, bold: false, underline: false };

/** What Discord can show of a run: basic colours (inverse applied), bold, underline. */
function discordStyle(run: Pick<Run, "fg" | "bg" | "flags">): DiscordStyle {
  let fg = nearestBasic(run.fg);
  let bg = nearestBasic(run.bg);
  if (run.flags & INVERSE) [fg, bg] = [bg ?? 7, fg ?? 0];
  return { fg, bg, bold: (run.flags & BOLD) !== 0, underline: (run.flags & UNDERLINE) !== 0 };
}

const sameStyle = (a: DiscordStyle, b: DiscordStyle): boolean =>
  a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.underline === b.underline;

/** The SGR that moves Discord's renderer from style `from` to `to` (it knows 0, 1, 4, 30-37, 40-47 only). */
function transition(from: DiscordStyle, to: DiscordStyle): string {
  if (sameStyle(from, to)) return "";
  const turnsOff = (from.bold && !to.bold) || (from.underline && !to.underline) || (from.fg !== null && to.fg === null) || (from.bg !== null && to.bg === null);
  const base = turnsOff ? PLAIN : from;
  const codes: number[] = turnsOff ? [0] : [];
  if (to.bold && !base.bold) codes.push(1);
  if (to.underline && !base.underline) codes.push(4);
  if (to.fg !== null && to.fg !== base.fg) codes.push(30 + to.fg);
  if (to.bg !== null && to.bg !== base.bg) codes.push(40 + to.bg);
  return `\x1b[${codes.join(";")}m`;
}

/** A run that shows nothing: spaces with no background, no inverse, no underline. */
function invisible(run: Run): boolean {
  return run.bg === DEFAULT_COLOR && (run.flags & (INVERSE | UNDERLINE)) === 0 && run.text.trim() === "";
}

/** A row's runs without the invisible blank tail, whose last visible run is right-trimmed. */
export function visibleRuns(row: readonly Cell[]): Run[] {
  const runs = rowRuns(row);
  while (runs.length > 0 && invisible(runs[runs.length - 1]!)) runs.pop();
  const last = runs[runs.length - 1];
  if (last && last.bg === DEFAULT_COLOR && (last.flags & (INVERSE | UNDERLINE)) === 0) runs[runs.length - 1] = { ...last, text: last.text.trimEnd() };
  return runs;
}

/** One row as Discord ANSI; each line starts and ends plain so lines can be dropped freely. */
function discordLine(row: readonly Cell[]): string {
  let out = "";
  let style = PLAIN;
  for (const run of visibleRuns(row)) {
    // Blank gaps need no colour change as long as the current style paints nothing under them.
    const keep = invisible(run) && style.bg === null && !style.underline;
    const next = keep ? style : discordStyle(run);
    out += transition(style, next) + neutraliseBackticks(run.text);
    style = next;
  }
  return out + transition(style, PLAIN);
}

/** Discord: the screen as an ```ansi block with colours Discord can show, within `limit` (default 2,000) incl. fences. */
export function renderTerminalDiscord(screen: TerminalScreen, opts: TerminalTextOptions = {}): string {
  const limit = opts.limit ?? LIMITS.discord.content;
  const open = "```ansi\n";
  const close = "\n```";
  const parsed = screenOf(screen);
  const rows = parsed.cells.map(discordLine);
  const plain = parsed.cells.map((r) =>
    neutraliseBackticks(
      r
        .map((c) => c.ch)
        .join("")
        .trimEnd(),
    ),
  );
  const lines = trimTrailingBlank(rows);
  const body = keepBottom(lines, limit - open.length - close.length, (i) => plain[i]!);
  return `${open}${body.length > 0 ? body.join("\n") : " "}${close}`;
}

/** Serialize a parsed screen back to SGR-only ANSI (full colours, no cursor movement), for a local terminal. */
export function renderTerminalAnsi(screen: TerminalScreen): string {
  const lines = screenOf(screen).cells.map((row) => {
    let out = "";
    let last = "0";
    for (const run of visibleRuns(row)) {
      const sgr = sgrFull(run);
      if (sgr !== last) out += `\x1b[${sgr}m`;
      last = sgr;
      out += run.text;
    }
    return last === "0" ? out : `${out}\x1b[0m`;
  });
  return trimTrailingBlank(lines).join("\n");
}

/** Full-colour SGR parameters of a run (0 = plain). */
function sgrFull(run: Pick<Run, "fg" | "bg" | "flags">): string {
  const codes: string[] = ["0"];
  const flagCodes: [number, string][] = [[BOLD, "1"], [DIM, "2"], [ITALIC, "3"], [UNDERLINE, "4"], [INVERSE, "7"], [STRIKE, "9"]];
  for (const [flag, code] of flagCodes) if (run.flags & flag) codes.push(code);
  codes.push(...colorSgr(run.fg, 30), ...colorSgr(run.bg, 40));
  return codes.join(";");
}

function colorSgr(color: number, base: 30 | 40): string[] {
  if (color === DEFAULT_COLOR) return [];
  if (color < 8) return [String(base + color)];
  if (color < 16) return [String(base + 60 + color - 8)];
  if (color < 256) return [String(base + 8), "5", String(color)];
  return [String(base + 8), "2", String((color >> 16) & 0xff), String((color >> 8) & 0xff), String(color & 0xff)];
}
