import { escapeEnd } from "./ansi-measure";
import { charWidth } from "./char-width";
import { DEFAULT_COLOR, rgbColor } from "./palette";

/**
 * A small ANSI screen parser: serialized terminal output (xterm's serialize addon, or any
 * text with SGR colours) -> a grid of cells with colours and attributes. It understands
 * printing with auto-wrap, CR/LF/BS/TAB, SGR, cursor movement and erasing; anything else
 * (OSC titles, modes, charsets) is skipped. Pure: same input, same grid.
 */

export const BOLD = 1;
export const DIM = 2;
export const ITALIC = 4;
export const UNDERLINE = 8;
export const INVERSE = 16;
export const HIDDEN = 32;
export const STRIKE = 64;

/** One screen cell. A wide character's second cell has `ch === ""`. */
export interface Cell {
  ch: string;
  fg: number;
  bg: number;
  flags: number;
}

export interface Screen {
  cols: number;
  rows: number;
  /** `rows` rows of exactly `cols` cells. */
  cells: Cell[][];
  cursor: { x: number; y: number };
}

/** A run of neighbouring cells with the same look, for drawing or re-encoding. */
export interface Run {
  col: number;
  /** Cells covered (wide characters count 2). */
  width: number;
  text: string;
  fg: number;
  bg: number;
  flags: number;
}

interface Pen {
  fg: number;
  bg: number;
  flags: number;
}

const blank = (pen: Pen): Cell => ({ ch: " ", fg: DEFAULT_COLOR, bg: pen.bg, flags: 0 });

/** Apply one SGR sequence's parameters (each may carry `:` sub-parameters) to the pen. */
function applySgr(pen: Pen, params: string[]): void {
  if (params.length === 0) params = ["0"];
  for (let i = 0; i < params.length; i++) {
    const sub = params[i]!.split(":");
    const p = sub[0] === "" ? 0 : Number(sub[0]);
    if (p === 38 || p === 48) {
      // Either `38;5;n` / `38;2;r;g;b`, or the colon form `38:5:n` / `38:2:[cs]:r:g:b`.
      let args: number[];
      if (sub.length > 1) {
        args = sub.slice(1).map((s) => (s === "" ? 0 : Number(s)));
        if (args[0] === 2 && args.length >= 5) args = [2, ...args.slice(-3)];
      } else {
        const mode = Number(params[i + 1]);
        const n = mode === 5 ? 1 : mode === 2 ? 3 : 0;
        args = params.slice(i + 1, i + 2 + n).map(Number);
        i += 1 + n;
      }
      let color: number | null = null;
      if (args[0] === 5 && args.length >= 2) color = Math.min(255, Math.max(0, args[1]!));
      else if (args[0] === 2 && args.length >= 4) color = rgbColor(args[1]!, args[2]!, args[3]!);
      if (color !== null && Number.isFinite(color)) {
        if (p === 38) pen.fg = color;
        else pen.bg = color;
      }
      continue;
    }
    if (p === 0) {
      pen.fg = DEFAULT_COLOR;
      pen.bg = DEFAULT_COLOR;
      pen.flags = 0;
    } else if (p === 1) pen.flags |= BOLD;
    else if (p === 2) pen.flags |= DIM;
    else if (p === 3) pen.flags |= ITALIC;
    else if (p === 4) pen.flags = sub[1] === "0" ? pen.flags & ~UNDERLINE : pen.flags | UNDERLINE;
    else if (p === 7) pen.flags |= INVERSE;
    else if (p === 8) pen.flags |= HIDDEN;
    else if (p === 9) pen.flags |= STRIKE;
    else if (p === 21) pen.flags |= UNDERLINE;
    else if (p === 22) pen.flags &= ~(BOLD | DIM);
    else if (p === 23) pen.flags &= ~ITALIC;
    else if (p === 24) pen.flags &= ~UNDERLINE;
    else if (p === 27) pen.flags &= ~INVERSE;
    else if (p === 28) pen.flags &= ~HIDDEN;
    else if (p === 29) pen.flags &= ~STRIKE;
    else if (p >= 30 && p <= 37) pen.fg = p - 30;
    else if (p === 39) pen.fg = DEFAULT_COLOR;
    else if (p >= 40 && p <= 47) pen.bg = p - 40;
    else if (p === 49) pen.bg = DEFAULT_COLOR;
    else if (p >= 90 && p <= 97) pen.fg = p - 90 + 8;
    else if (p >= 100 && p <= 107) pen.bg = p - 100 + 8;
  }
}

/** Mutable parsing state, local to one parse call. */
class Grid {
  readonly cells: Cell[][];
  x = 0;
  y = 0;
  saved = { x: 0, y: 0 };
  readonly pen: Pen = { fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, flags: 0 };

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.cells = Array.from({ length: rows }, () => this.blankRow());
  }

  blankRow(): Cell[] {
    return Array.from({ length: this.cols }, () => blank(this.pen));
  }

  clampCursor(): void {
    this.x = Math.max(0, Math.min(this.cols - 1, this.x));
    this.y = Math.max(0, Math.min(this.rows - 1, this.y));
  }

  lineFeed(): void {
    if (this.y === this.rows - 1) {
      this.cells.shift();
      this.cells.push(this.blankRow());
    } else this.y++;
  }

  print(ch: string, width: 0 | 1 | 2): void {
    const row = (): Cell[] => this.cells[this.y]!;
    if (width === 0) {
      // Combining mark: joins the character before it.
      const prev = row()[Math.max(0, Math.min(this.cols, this.x) - 1)];
      if (prev) prev.ch += ch;
      return;
    }
    if (this.x + width > this.cols) {
      this.x = 0;
      this.lineFeed();
    }
    const { fg, bg, flags } = this.pen;
    row()[this.x] = { ch, fg, bg, flags };
    if (width === 2 && this.x + 1 < this.cols) row()[this.x + 1] = { ch: "", fg, bg, flags };
    this.x += width;
  }

  erase(y: number, from: number, to: number): void {
    const row = this.cells[y];
    if (!row) return;
    for (let x = Math.max(0, from); x < Math.min(this.cols, to); x++) row[x] = blank(this.pen);
  }

  csi(params: string[], final: string, priv: boolean): void {
    if (priv) return; // modes (?25h, ?1049h, ...) do not change what the screen shows here
    const n = (i: number, dflt = 1): number => {
      const v = Number(params[i] ?? "");
      return params[i] === undefined || params[i] === "" || !Number.isFinite(v) || v === 0 ? dflt : v;
    };
    const x = Math.min(this.x, this.cols - 1);
    switch (final) {
      case "m":
        applySgr(this.pen, params);
        return;
      case "A":
        this.y -= n(0);
        break;
      case "B":
      case "e":
        this.y += n(0);
        break;
      case "C":
      case "a":
        this.x = x + n(0);
        break;
      case "D":
        this.x = x - n(0);
        break;
      case "E":
        this.y += n(0);
        this.x = 0;
        break;
      case "F":
        this.y -= n(0);
        this.x = 0;
        break;
      case "G":
      case "`":
        this.x = n(0) - 1;
        break;
      case "d":
        this.y = n(0) - 1;
        break;
      case "H":
      case "f":
        this.y = n(0) - 1;
        this.x = n(1) - 1;
        break;
      case "J": {
        const mode = n(0, 0);
        if (mode === 0) {
          this.erase(this.y, x, this.cols);
          for (let y = this.y + 1; y < this.rows; y++) this.erase(y, 0, this.cols);
        } else if (mode === 1) {
          for (let y = 0; y < this.y; y++) this.erase(y, 0, this.cols);
          this.erase(this.y, 0, x + 1);
        } else for (let y = 0; y < this.rows; y++) this.erase(y, 0, this.cols);
        return;
      }
      case "K": {
        const mode = n(0, 0);
        if (mode === 0) this.erase(this.y, x, this.cols);
        else if (mode === 1) this.erase(this.y, 0, x + 1);
        else this.erase(this.y, 0, this.cols);
        return;
      }
      case "X":
        this.erase(this.y, x, x + n(0));
        return;
      case "P": {
        const row = this.cells[this.y]!;
        row.splice(x, n(0));
        while (row.length < this.cols) row.push(blank(this.pen));
        return;
      }
      case "@": {
        const row = this.cells[this.y]!;
        row.splice(x, 0, ...Array.from({ length: n(0) }, () => blank(this.pen)));
        row.length = this.cols;
        return;
      }
      case "S":
        for (let i = 0; i < n(0); i++) {
          this.cells.shift();
          this.cells.push(this.blankRow());
        }
        return;
      case "s":
        this.saved = { x: this.x, y: this.y };
        return;
      case "u":
        ({ x: this.x, y: this.y } = this.saved);
        break;
      default:
        return;
    }
    this.clampCursor();
  }
}

/** Parse serialized ANSI into a `cols` x `rows` grid (LF also returns the carriage, like a serialized screen). */
export function parseAnsiScreen(ansi: string, cols: number, rows: number): Screen {
  const g = new Grid(Math.max(1, Math.floor(cols)), Math.max(1, Math.floor(rows)));
  const len = ansi.length;
  let i = 0;
  while (i < len) {
    const code = ansi.charCodeAt(i);
    if (code === 0x1b) {
      const end = escapeEnd(ansi, i);
      const next = ansi[i + 1];
      if (next === "[") {
        const final = ansi[end - 1] ?? "";
        // Parameters, minus any intermediate bytes; a private marker (?, >, ...) makes it a mode switch.
        const raw = ansi.slice(i + 2, end - 1).replace(/[ -/]+$/, "");
        const body = raw.replace(/^[<=>?]/, "");
        if (final >= "@" && final <= "~") g.csi(body === "" ? [] : body.split(";"), final, body !== raw);
      } else if (next === "7") g.saved = { x: g.x, y: g.y };
      else if (next === "8") ({ x: g.x, y: g.y } = g.saved);
      // Anything else (OSC titles, DCS, charsets) does not change what the screen shows.
      i = end;
      continue;
    }
    if (code < 0x20 || code === 0x7f) {
      if (code === 0x0a || code === 0x0b || code === 0x0c) {
        g.x = 0;
        g.lineFeed();
      } else if (code === 0x0d) g.x = 0;
      else if (code === 0x08) g.x = Math.max(0, Math.min(g.x, g.cols - 1) - 1);
      else if (code === 0x09) g.x = Math.min(g.cols - 1, (Math.floor(g.x / 8) + 1) * 8);
      i++;
      continue;
    }
    const cp = ansi.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    g.print(ch, charWidth(cp));
    i += ch.length;
  }
  return { cols: g.cols, rows: g.rows, cells: g.cells, cursor: { x: Math.min(g.x, g.cols - 1), y: g.y } };
}

/** Runs of one row: neighbouring cells that share colours and attributes. */
export function rowRuns(row: readonly Cell[]): Run[] {
  const runs: Run[] = [];
  let cur: Run | null = null;
  row.forEach((c, col) => {
    if (cur && cur.fg === c.fg && cur.bg === c.bg && cur.flags === c.flags) {
      cur.text += c.ch;
      cur.width++;
    } else {
      cur = { col, width: 1, text: c.ch, fg: c.fg, bg: c.bg, flags: c.flags };
      runs.push(cur);
    }
  });
  return runs;
}

/** The plain text of a row, trailing spaces trimmed. */
export function rowText(row: readonly Cell[]): string {
  return row
    .map((c) => c.ch)
    .join("")
    .trimEnd();
}
