/**
 * Output shaped like a real agent TUI's, for the container benchmarks. Modelled on a PTY
 * capture of Claude Code working a bead (about half of its characters are escape
 * sequences; words are placed with cursor-column moves rather than spaces; grey box rules
 * of U+2500; 16-colour syntax colours, truecolor chrome; a spinner redrawn in place by moving the cursor up and
 * back down). Each line ends in "\r\n" as the program writes it; the PTY's onlcr turns the
 * "\n" into "\r\n" on its way to the terminal.
 */

/** Words of a code line and their 16-colour SGR (null: default colour). */
const CODE: ReadonlyArray<readonly [string, number | null]> = [
  ["export", 34],
  ["function", 34],
  ["handler(req:", null],
  ["Request):", null],
  ["Promise<Response>", null],
  ["{", null],
  ["return", 34],
  ["fetch(", null],
  ['"https://api.example.com/users/"', 31],
  ["+", null],
  ["id,", null],
  ["{", null],
  ["method:", 36],
  ['"POST"', 31],
  ["});", null],
];

const RULE = "─".repeat(118);

/** One line of output; `width` is the number of words on a code line. */
export function colouredLine(i: number, width = 9): string {
  const kind = i % 12;
  if (kind === 0 || kind === 6) return `\x1b[38;2;136;136;136m${RULE}\x1b[39m\r\n`;
  if (kind === 1) return `\x1b[38;2;255;107;128m●\x1b[3G\x1b[39m\x1b[1mUpdate\x1b[22m(src/handlers/user-${i % 97}.ts)\r\n`;
  if (kind === 11) {
    // The spinner: up past the input box, redraw the status row, back down.
    return `\x1b[2C\x1b[3A\x1b[2D\x1b[3B\r\x1b[6A\x1b[38;2;215;119;87m✻\x1b[39m \x1b[38;2;215;119;87mZigzagging… \x1b[39m\x1b[38;2;153;153;153m(${i % 60}s · ↑ ${(i % 9) + 1}.${i % 10}k tokens · esc to interrupt)\x1b[39m\x1b[K\r\x1b[6B\r\n`;
  }
  const added = kind % 3 === 1;
  const removed = kind % 3 === 2;
  const bg = added ? "\x1b[48;2;2;40;0m" : removed ? "\x1b[48;2;61;1;0m" : "";
  let line = `\x1b[38;2;153;153;153m${String(i % 10000).padStart(6, " ")}\x1b[39m ${bg}${added ? "+" : removed ? "-" : " "}`;
  let col = 11;
  for (let w = 0; w < width; w++) {
    const [word, sgr] = CODE[(i + w) % CODE.length] as readonly [string, number | null];
    // Words are placed by cursor-column moves, as Claude Code's renderer does.
    line += `\x1b[${col}G${sgr === null ? word : `\x1b[${sgr}m${word}\x1b[39m`}`;
    col += word.length + 1;
  }
  return `${line}${bg ? "\x1b[49m" : ""}\x1b[K\r\n`;
}

/** At least `chars` characters of whole lines. */
export function colouredOutput(chars: number, width = 9): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < chars; i++) {
    const line = colouredLine(i, width);
    out.push(line);
    size += line.length;
  }
  return out.join("");
}
