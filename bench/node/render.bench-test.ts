import { expect, it } from "vitest";
import { renderTerminalDiscord } from "../../renderers/terminal";
import { renderTerminalPng } from "../../renderers/terminal-png";

/** A busy 120x40 agent screen: every row coloured, 256-colour and truecolor runs, backgrounds. */
function colouredScreen(cols: number, rows: number): string {
  const lines: string[] = [];
  for (let y = 0; y < rows; y++) {
    let line = `\x1b[1;3${(y % 7) + 1}m${String(y).padStart(3, "0")}\x1b[0m `;
    let visible = 4;
    while (visible < cols - 24) {
      const n = line.length;
      const word = `token${n % 97} `;
      line += `\x1b[38;5;${(n * 13 + y) % 256}m${word}\x1b[38;2;${n % 256};${(y * 6) % 256};200mvalue\x1b[0m `;
      visible += word.length + 6;
    }
    line += `\x1b[4${y % 8}m ${"#".repeat(8)} \x1b[0m`;
    lines.push(line);
  }
  return lines.join("\r\n");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function timeMedian(runs: number, fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn(); // warm: font registration, JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return Math.round(median(times) * 100) / 100;
}

it("renders a 120x40 coloured snapshot", () => {
  const screen = { text: "", ansi: colouredScreen(120, 40), cols: 120, rows: 40, cursor: { x: 0, y: 39 } };
  const png = renderTerminalPng(screen, { title: "polecat-1 · gt-4k2m" });
  expect(png.length).toBeGreaterThan(1000);
  const snapshot_png_ms = timeMedian(10, () => renderTerminalPng(screen, { title: "polecat-1 · gt-4k2m" }));
  // The Discord ```ansi block of the same screen (the container's own snapshot_ansi_ms is another figure).
  const render_discord_ansi_ms = timeMedian(10, () => renderTerminalDiscord(screen));
  console.log(`BENCH ${JSON.stringify({ snapshot_png_ms, render_discord_ansi_ms })}`);
});
