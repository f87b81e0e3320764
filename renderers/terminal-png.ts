import { createRequire } from "node:module";
import { createCanvas, GlobalFonts, type SKRSContext2D } from "@napi-rs/canvas";
import { GastownError } from "../core/errors";
import { BOLD, DIM, HIDDEN, INVERSE, type Run, rowRuns, STRIKE, UNDERLINE } from "./ansi-screen";
import { truncate } from "./limits";
import { encodeOpaquePng } from "./png-encode";
import { colorRgb, cssRgb, DARK_THEME, type Rgb } from "./palette";
import { screenOf, type TerminalScreen } from "./terminal";

/**
 * A terminal snapshot as a PNG: the cell grid drawn with Skia (@napi-rs/canvas) in the
 * bundled DejaVu Sans Mono, inside a dark window frame with a title bar. Same screen in,
 * same picture out; the only side effect is registering the font with Skia once per process.
 */

export const TERMINAL_FONT_FAMILY = "Gastown Mono";

export interface TerminalPngOptions {
  /** Title bar text, e.g. the agent and bead (`polecat-1 · gt-4k2m Fix login`). */
  title?: string;
  /** Font size in CSS pixels (default 14). */
  fontSize?: number;
  /** Device pixel ratio: 2 gives a sharp picture on high-density screens (default 1). */
  scale?: number;
}

/** The picture's geometry, in CSS pixels (multiply by `scale` for PNG pixels). */
export interface TerminalPngLayout {
  cellWidth: number;
  cellHeight: number;
  padding: number;
  titleBarHeight: number;
  width: number;
  height: number;
  scale: number;
}

/** A screen to draw, optionally with the cursor where the snapshot had it. */
export type TerminalPngInput = TerminalScreen & { cursor?: { x: number; y: number } };

/**
 * Register the bundled font files with Skia if this process has not yet. Skia's font
 * registry is process-wide; asking it (`has`) keeps this module free of its own state.
 */
export function ensureTerminalFont(): void {
  if (GlobalFonts.has(TERMINAL_FONT_FAMILY)) return;
  const require = createRequire(import.meta.url);
  for (const file of ["DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"]) {
    const path = require.resolve(`dejavu-fonts-ttf/ttf/${file}`);
    if (GlobalFonts.registerFromPath(path, TERMINAL_FONT_FAMILY) === null) throw new GastownError("internal", `could not load the terminal font ${file}`, { details: { path } });
  }
}

/**
 * Symbols agent CLIs draw that DejaVu lacks (Claude Code's ⏺ and ⎿, media controls),
 * drawn with the nearest look-alike it has rather than an empty box.
 */
const GLYPH_STAND_INS: Readonly<Record<string, string>> = {
  "⏺": "●",
  "⎿": "└",
  "⏵": "▶",
  "⏴": "◀",
  "⏸": "‖",
  "⏹": "■",
  "⧉": "❐",
};
const STAND_IN_PATTERN = new RegExp(`[${Object.keys(GLYPH_STAND_INS).join("")}]`, "gu");

/** Text with the symbols the font lacks replaced by look-alikes of the same width. */
export function withStandIns(text: string): string {
  return text.replace(STAND_IN_PATTERN, (ch) => GLYPH_STAND_INS[ch] ?? ch);
}

/** DejaVu Sans Mono advances every glyph by 1233/2048 em. */
const ADVANCE_EM = 1233 / 2048;

/** Where everything goes for a cols x rows screen. */
export function terminalPngLayout(cols: number, rows: number, opts: Pick<TerminalPngOptions, "fontSize" | "scale"> = {}): TerminalPngLayout {
  const fontSize = opts.fontSize ?? 14;
  const cellWidth = fontSize * ADVANCE_EM;
  const cellHeight = Math.round(fontSize * 1.3);
  const padding = Math.round(fontSize * 0.85);
  const titleBarHeight = Math.round(fontSize * 2.2);
  return {
    cellWidth,
    cellHeight,
    padding,
    titleBarHeight,
    width: Math.ceil(padding * 2 + cols * cellWidth),
    height: titleBarHeight + padding * 2 + rows * cellHeight,
    scale: opts.scale ?? 1,
  };
}

/** The colours a run is painted with, after inverse and dim. */
function runColours(run: Run): { fg: Rgb; bg: Rgb | null } {
  let fg = colorRgb(run.fg, DARK_THEME.ansi16) ?? DARK_THEME.foreground;
  let bg = colorRgb(run.bg, DARK_THEME.ansi16);
  if (run.flags & INVERSE) [fg, bg] = [bg ?? DARK_THEME.background, fg];
  if (run.flags & DIM) {
    const base = bg ?? DARK_THEME.background;
    const mix = (a: number, b: number): number => Math.round(a * 0.6 + b * 0.4);
    fg = [mix(fg[0], base[0]), mix(fg[1], base[1]), mix(fg[2], base[2])];
  }
  return { fg, bg };
}

function drawFrame(ctx: SKRSContext2D, layout: TerminalPngLayout, title: string, fontSize: number): void {
  const { width, height, titleBarHeight } = layout;
  // Square and opaque: chat clients round image corners themselves, and opaque encodes faster.
  ctx.fillStyle = cssRgb(DARK_THEME.frame);
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = cssRgb(DARK_THEME.background);
  ctx.fillRect(0, titleBarHeight, width, height - titleBarHeight);
  const dotY = titleBarHeight / 2;
  const dots = ["rgb(237,106,94)", "rgb(245,191,79)", "rgb(98,197,84)"];
  dots.forEach((colour, i) => {
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.arc(layout.padding + 6 + i * 20, dotY, 6, 0, Math.PI * 2);
    ctx.fill();
  });
  const titleFont = Math.round(fontSize * 0.95);
  ctx.font = `${titleFont}px "${TERMINAL_FONT_FAMILY}"`;
  ctx.fillStyle = cssRgb(DARK_THEME.titleText);
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  const room = Math.floor((width - 2 * (layout.padding + 70)) / (titleFont * ADVANCE_EM));
  ctx.fillText(truncate(title, Math.max(1, room)), width / 2, dotY);
  ctx.textAlign = "left";
}

/** Draw a snapshot (or any ANSI screen) as a terminal window picture; returns PNG bytes. */
export function renderTerminalPng(screen: TerminalPngInput, opts: TerminalPngOptions = {}): Uint8Array {
  ensureTerminalFont();
  const grid = screenOf(screen);
  const fontSize = opts.fontSize ?? 14;
  const layout = terminalPngLayout(grid.cols, grid.rows, opts);
  const { cellWidth, cellHeight, padding, titleBarHeight, scale } = layout;
  const canvas = createCanvas(Math.round(layout.width * scale), Math.round(layout.height * scale));
  const ctx = canvas.getContext("2d");
  ctx.scale(scale, scale);
  drawFrame(ctx, layout, opts.title ?? "terminal", fontSize);

  const left = padding;
  const top = titleBarHeight + padding;
  const regular = `${fontSize}px "${TERMINAL_FONT_FAMILY}"`;
  const bold = `bold ${regular}`;
  ctx.textBaseline = "alphabetic";
  const baseline = Math.round(cellHeight * 0.78);
  const runsByRow = grid.cells.map(rowRuns);

  // Backgrounds first, so wide glyphs and underlines are never painted over.
  runsByRow.forEach((runs, y) => {
    for (const run of runs) {
      const { bg } = runColours(run);
      if (bg === null) continue;
      ctx.fillStyle = cssRgb(bg);
      // Rounded out to whole pixels so neighbouring runs leave no hairline gaps.
      const x0 = Math.floor(left + run.col * cellWidth);
      const x1 = Math.ceil(left + (run.col + run.width) * cellWidth);
      ctx.fillRect(x0, top + y * cellHeight, x1 - x0, cellHeight);
    }
  });

  if (screen.cursor && screen.cursor.y >= 0 && screen.cursor.y < grid.rows && screen.cursor.x >= 0 && screen.cursor.x < grid.cols) {
    ctx.fillStyle = `rgba(${DARK_THEME.cursor.join(",")},0.55)`;
    ctx.fillRect(left + screen.cursor.x * cellWidth, top + screen.cursor.y * cellHeight, cellWidth, cellHeight);
  }

  let font = "";
  runsByRow.forEach((runs, y) => {
    const yBase = top + y * cellHeight + baseline;
    for (const run of runs) {
      if (run.flags & HIDDEN) continue;
      const blank = run.text.trim() === "";
      if (blank && !(run.flags & (UNDERLINE | STRIKE))) continue;
      const { fg } = runColours(run);
      ctx.fillStyle = cssRgb(fg);
      const x = left + run.col * cellWidth;
      if (!blank) {
        const want = run.flags & BOLD ? bold : regular;
        if (want !== font) {
          ctx.font = want;
          font = want;
        }
        const chars = [...run.text];
        if (chars.length === run.width) ctx.fillText(withStandIns(run.text), x, yBase);
        else {
          // Wide or combined characters: place each cell's text on its own column.
          const row = grid.cells[y]!;
          for (let c = run.col; c < run.col + run.width; c++) {
            const ch = row[c]!.ch;
            if (ch !== "" && ch !== " ") ctx.fillText(withStandIns(ch), left + c * cellWidth, yBase);
          }
        }
      }
      const w = run.width * cellWidth;
      if (run.flags & UNDERLINE) ctx.fillRect(x, yBase + 2, w, 1);
      if (run.flags & STRIKE) ctx.fillRect(x, yBase - Math.round(fontSize * 0.3), w, 1);
    }
  });

  return encodeOpaquePng(canvas.data(), canvas.width, canvas.height);
}
