import { SerializeAddon } from "@xterm/addon-serialize";
import { Terminal } from "@xterm/headless";
import { describe, expect, it } from "vitest";
import { BOLD, INVERSE, parseAnsiScreen, rowText, UNDERLINE } from "./ansi-screen";
import { DEFAULT_COLOR, rgbColor } from "./palette";

/** Drive a real xterm terminal, then serialize its screen the way the container does. */
async function xtermScreen(input: string, cols: number, rows: number): Promise<{ term: Terminal; ansi: string }> {
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 100 });
  const serialize = new SerializeAddon();
  term.loadAddon(serialize);
  await new Promise<void>((resolve) => term.write(input, resolve));
  return { term, ansi: serialize.serialize({ scrollback: 0 }) };
}

const busyInput = [
  "\x1b[1;31mERROR\x1b[0m plain \x1b[38;5;208morange\x1b[0m \x1b[38;2;10;200;30mtrue\x1b[4munder\x1b[0m",
  "\x1b[44m  blue bg  \x1b[0m  \x1b[7minverse\x1b[27m back \x1b[92mbright green\x1b[39m",
  "wide: 日本語 ok ✓ `tick`",
  "\x1b[33mthis line is long enough to wrap around the edge of a forty column screen\x1b[0m",
  "\tTab\tstops",
  "progress \x1b[42m          \x1b[0m\x1b[100m     \x1b[0m 66%",
  "\x1b[2Kredrawn\x1b[3D\x1b[31mRAW\x1b[0m",
].join("\r\n");

describe("parseAnsiScreen", () => {
  it("rebuilds exactly the cells a real xterm terminal shows", async () => {
    const cols = 40;
    const rows = 8;
    const { term, ansi } = await xtermScreen(busyInput, cols, rows);
    const screen = parseAnsiScreen(ansi, cols, rows);
    const buf = term.buffer.active;
    const cell = buf.getNullCell();
    let coloured = 0;
    for (let y = 0; y < rows; y++) {
      const line = buf.getLine(buf.viewportY + y)!;
      expect(rowText(screen.cells[y]!)).toBe(line.translateToString(true).trimEnd());
      for (let x = 0; x < cols; x++) {
        line.getCell(x, cell);
        const ours = screen.cells[y]![x]!;
        const at = `cell ${x},${y} '${cell.getChars()}'`;
        if (cell.getWidth() === 0) {
          expect(ours.ch, at).toBe("");
          continue;
        }
        const fg = cell.isFgDefault() ? DEFAULT_COLOR : cell.isFgRGB() ? rgbColor(cell.getFgColor() >> 16, cell.getFgColor() >> 8, cell.getFgColor()) : cell.getFgColor();
        const bg = cell.isBgDefault() ? DEFAULT_COLOR : cell.isBgRGB() ? rgbColor(cell.getBgColor() >> 16, cell.getBgColor() >> 8, cell.getBgColor()) : cell.getBgColor();
        if (cell.getChars() !== "") expect(ours.fg, at).toBe(fg);
        expect(ours.bg, at).toBe(bg);
        if (cell.getChars().trim() !== "") {
          expect(Boolean(ours.flags & BOLD), at).toBe(Boolean(cell.isBold()));
          expect(Boolean(ours.flags & UNDERLINE), at).toBe(Boolean(cell.isUnderline()));
          expect(Boolean(ours.flags & INVERSE), at).toBe(Boolean(cell.isInverse()));
        }
        if (fg !== DEFAULT_COLOR || bg !== DEFAULT_COLOR) coloured++;
      }
    }
    expect(coloured).toBeGreaterThan(40);
    term.dispose();
  });

  it("scrolls when output runs past the bottom, keeping the last rows", () => {
    const screen = parseAnsiScreen(Array.from({ length: 10 }, (_, i) => `row ${i}`).join("\n"), 10, 3);
    expect(screen.cells.map(rowText)).toEqual(["row 7", "row 8", "row 9"]);
  });

  it("skips OSC titles and private modes, and honours cursor positioning", () => {
    const screen = parseAnsiScreen("\x1b]0;my title\x07\x1b[?1049h\x1b[2;3Hxy\x1b[1;1Ha\x1b[K", 6, 3);
    expect(screen.cells.map(rowText)).toEqual(["a", "  xy", ""]);
  });

  it("understands colon-form and 256-colour SGR", () => {
    const screen = parseAnsiScreen("\x1b[38:2::255:0:0ma\x1b[48;5;21mb\x1b[4:0mc", 5, 1);
    const [a, b] = screen.cells[0]!;
    expect(a!.fg).toBe(rgbColor(255, 0, 0));
    expect(b!.bg).toBe(21);
  });
});
