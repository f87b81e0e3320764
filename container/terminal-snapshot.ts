import type { SerializeAddon } from "@xterm/addon-serialize";
import type { Terminal } from "@xterm/headless";
import type { Snapshot } from "../core/container-api";
import type { Redactor, TerminalRow } from "./redact";
import { redactAnsi } from "./redact-ansi";

/** How much of the terminal a snapshot carries and how far up it looks for secrets. */
export interface SnapshotOptions {
  agentId: string;
  redactor: Redactor;
  now: number;
  /** Rows of scrollback shipped above the screen (plain text). */
  scrollbackLines?: number;
  /**
   * Rows above the screen read (not shipped) only to find secrets that began there, e.g. the
   * BEGIN line of a private key that has scrolled off.
   */
  contextLines?: number;
}

/** The serialize addon emits the alternate screen after this switch sequence. */
const ALT_SCREEN = "\x1b[?1049h\x1b[H";

/** The plain-text half of a snapshot, plus what the ANSI half needs to redact consistently. */
export interface ScreenText {
  /** Visible rows, redacted, joined by "\n". */
  text: string;
  /** Redacted scrollback rows above the screen. */
  scrollbackTail: string;
  /** Redacted visible rows (the ANSI half's fallback). */
  screen: string[];
  /** Plain text of the rows above the screen, joined the way the screen continues them. */
  above: string;
}

/** Visible rows and the scrollback tail as plain text, redacted (secrets wrapping across rows included). */
export function readScreenText(term: Terminal, opts: Pick<SnapshotOptions, "redactor" | "scrollbackLines" | "contextLines">): ScreenText {
  const buf = term.buffer.active;
  const base = buf.baseY;
  const tailLines = opts.scrollbackLines ?? 50;
  const tailStart = Math.max(0, base - tailLines);
  const ctxStart = Math.max(0, base - Math.max(tailLines, opts.contextLines ?? 100));

  const rows: TerminalRow[] = [];
  for (let y = ctxStart; y < base + term.rows; y++) {
    const line = buf.getLine(y);
    rows.push({ text: line?.translateToString(true) ?? "", wrapped: line?.isWrapped ?? false });
  }
  const redacted = opts.redactor.rows(rows);
  const screen = redacted.slice(base - ctxStart);
  const tail = redacted.slice(tailStart - ctxStart, base - ctxStart);
  let above = "";
  for (let i = 0; i < base - ctxStart; i++) {
    const r = rows[i] as TerminalRow;
    above += (i > 0 && !r.wrapped ? "\n" : "") + r.text;
  }
  if (above.length > 0 && !rows[base - ctxStart]?.wrapped) above += "\n";
  return { text: screen.join("\n"), scrollbackTail: tail.join("\n"), screen, above };
}

/**
 * The visible screen as ANSI (colours kept), redacted. Secrets the plain text cannot prove
 * absent from the ANSI make it fall back to the redacted plain rows: colours lost, secrets kept safe.
 */
export function readScreenAnsi(term: Terminal, serializer: SerializeAddon, redactor: Redactor, text: Pick<ScreenText, "screen" | "above">): string {
  let ansi = serializer.serialize({ scrollback: 0, excludeModes: true });
  if (term.buffer.active.type === "alternate") {
    const at = ansi.lastIndexOf(ALT_SCREEN);
    ansi = at >= 0 ? ansi.slice(at + ALT_SCREEN.length) : ansi;
  }
  return redactAnsi(redactor, ansi, text.above) ?? text.screen.join("\r\n");
}

/**
 * The screen a person would see, redacted: plain rows, ANSI of the visible screen only,
 * the scrollback tail, and the cursor. Call after pending writes are parsed.
 */
export function takeSnapshot(term: Terminal, serializer: SerializeAddon, opts: SnapshotOptions): Snapshot {
  const text = readScreenText(term, opts);
  const buf = term.buffer.active;
  return {
    agentId: opts.agentId,
    cols: term.cols,
    rows: term.rows,
    text: text.text,
    ansi: readScreenAnsi(term, serializer, opts.redactor, text),
    scrollbackTail: text.scrollbackTail,
    cursor: { x: buf.cursorX, y: buf.cursorY },
    at: opts.now,
  };
}
