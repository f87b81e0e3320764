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

/**
 * The screen a person would see, redacted: plain rows, ANSI of the visible screen only,
 * the scrollback tail, and the cursor. Call after pending writes are parsed.
 */
export function takeSnapshot(term: Terminal, serializer: SerializeAddon, opts: SnapshotOptions): Snapshot {
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

  let ansi = serializer.serialize({ scrollback: 0, excludeModes: true });
  if (buf.type === "alternate") {
    const at = ansi.lastIndexOf(ALT_SCREEN);
    ansi = at >= 0 ? ansi.slice(at + ALT_SCREEN.length) : ansi;
  }
  // Plain text of the rows above, joined the way the screen continues them.
  let prefix = "";
  rows.slice(0, base - ctxStart).forEach((r, i) => {
    prefix += (i > 0 && !r.wrapped ? "\n" : "") + r.text;
  });
  if (prefix.length > 0 && !rows[base - ctxStart]?.wrapped) prefix += "\n";
  // Unprovable ANSI is replaced by the redacted plain rows: colours lost, secrets kept safe.
  const safeAnsi = redactAnsi(opts.redactor, ansi, prefix) ?? screen.join("\r\n");

  return {
    agentId: opts.agentId,
    cols: term.cols,
    rows: term.rows,
    text: screen.join("\n"),
    ansi: safeAnsi,
    scrollbackTail: tail.join("\n"),
    cursor: { x: buf.cursorX, y: buf.cursorY },
    at: opts.now,
  };
}
