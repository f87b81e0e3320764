import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { DARK_THEME } from "./palette";
import { renderTerminalPng, terminalPngLayout, withStandIns } from "./terminal-png";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function ihdr(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.slice(12, 16))).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

async function pixels(png: Uint8Array): Promise<{ at: (x: number, y: number) => [number, number, number]; width: number }> {
  const img = await loadImage(Buffer.from(png));
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  return {
    width: img.width,
    at: (x, y) => {
      const i = (Math.floor(y) * img.width + Math.floor(x)) * 4;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    },
  };
}

const cols = 40;
const rows = 6;
// Row 0: red text; row 1: a red background block at columns 10..19; row 2: plain text.
const ansi = ["\x1b[31mRRRRRRRRRRRRRRRRRRRR\x1b[0m", "          \x1b[41m          \x1b[0m", "plain text"].join("\r\n");

describe("renderTerminalPng", () => {
  it("writes a valid PNG sized from the grid", () => {
    const png = renderTerminalPng({ text: "", ansi, cols, rows }, { title: "polecat-1 · gt-4k2m" });
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    const layout = terminalPngLayout(cols, rows);
    const { width, height } = ihdr(png);
    expect(width).toBe(layout.width);
    expect(height).toBe(layout.height);
    expect(width).toBe(Math.ceil(layout.padding * 2 + cols * layout.cellWidth));
    expect(height).toBe(layout.titleBarHeight + layout.padding * 2 + rows * layout.cellHeight);
  });

  it("paints coloured cells in their colours on the dark background", async () => {
    const png = renderTerminalPng({ text: "", ansi, cols, rows });
    const img = await pixels(png);
    const L = terminalPngLayout(cols, rows);
    const cell = (x: number, y: number) => ({ x: L.padding + x * L.cellWidth, y: L.titleBarHeight + L.padding + y * L.cellHeight });

    // The red background block, sampled in the middle of a cell.
    const block = cell(15, 1);
    const [r, g, b] = img.at(block.x + L.cellWidth / 2, block.y + L.cellHeight / 2);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(130);
    expect(b).toBeLessThan(130);

    // Empty cells show the theme background.
    const empty = cell(30, 4);
    expect(img.at(empty.x + 3, empty.y + 3)).toEqual([...DARK_THEME.background]);

    // Red glyphs: some pixels of the red text cells are clearly red; plain text has none.
    const reddish = (y: number, fromCol: number, toCol: number): number => {
      let n = 0;
      const a = cell(fromCol, y);
      for (let px = a.x; px < a.x + (toCol - fromCol) * L.cellWidth; px++)
        for (let py = a.y; py < a.y + L.cellHeight; py++) {
          const [pr, pg, pb] = img.at(px, py);
          if (pr > 140 && pr > pg + 60 && pr > pb + 60) n++;
        }
      return n;
    };
    expect(reddish(0, 0, 20)).toBeGreaterThan(100);
    expect(reddish(2, 0, 10)).toBe(0);
  });

  it("is a pure function of the screen: the same snapshot gives the same bytes", () => {
    const a = renderTerminalPng({ text: "", ansi, cols, rows }, { title: "t" });
    const b = renderTerminalPng({ text: "", ansi, cols, rows }, { title: "t" });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("renders at a device pixel ratio", () => {
    const png = renderTerminalPng({ text: "", ansi, cols, rows }, { scale: 2 });
    const L = terminalPngLayout(cols, rows);
    expect(ihdr(png)).toEqual({ width: L.width * 2, height: L.height * 2 });
  });

  it("sizes a screen without cols/rows from its text", () => {
    const png = renderTerminalPng({ text: "abc\nabcdefgh", ansi: "abc\r\nabcdefgh" });
    expect(ihdr(png).width).toBe(terminalPngLayout(8, 2).width);
  });

  it("draws symbols the font lacks with look-alikes of the same width", () => {
    expect(withStandIns("⏺ Update\n  ⎿ done ⏸")).toBe("● Update\n  └ done ‖");
  });
});
