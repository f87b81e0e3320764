import { charWidth, textWidth } from "./char-width";

/** Sizing ANSI and plain text that arrive without a terminal size. */

/** Size of a screen whose size is not given: the widest line and the number of lines. */
export function measureText(text: string): { cols: number; rows: number } {
  const lines = text.split("\n");
  return { cols: Math.max(1, ...lines.map(textWidth)), rows: Math.max(1, lines.length) };
}

/**
 * Estimated size of serialized ANSI whose size is not given: lines split at LF, escape
 * sequences take no room except cursor-forward (CSI n C), which serializers use for gaps.
 */
export function measureAnsi(ansi: string): { cols: number; rows: number } {
  let cols = 1;
  let rows = 1;
  let width = 0;
  for (let i = 0; i < ansi.length; ) {
    const code = ansi.charCodeAt(i);
    if (code === 0x1b) {
      const end = escapeEnd(ansi, i);
      if (ansi[i + 1] === "[" && ansi[end - 1] === "C") width += Number(ansi.slice(i + 2, end - 1)) || 1;
      i = end;
    } else if (code === 0x0a) {
      rows++;
      width = 0;
      i++;
    } else if (code < 0x20 || code === 0x7f) i++;
    else {
      const cp = ansi.codePointAt(i)!;
      width += charWidth(cp);
      i += cp > 0xffff ? 2 : 1;
    }
    cols = Math.max(cols, width);
  }
  return { cols, rows };
}

/** Index just past the escape sequence starting at `i` (CSI, OSC-like strings, or ESC + one char). */
export function escapeEnd(ansi: string, i: number): number {
  const next = ansi[i + 1];
  if (next === "[") {
    let j = i + 2;
    while (j < ansi.length && /[0-9;:<=>? -/]/.test(ansi[j]!)) j++;
    return Math.min(ansi.length, j + 1);
  }
  if (next === "]" || next === "P" || next === "X" || next === "^" || next === "_") {
    let j = i + 2;
    while (j < ansi.length && ansi.charCodeAt(j) !== 0x07 && !(ansi.charCodeAt(j) === 0x1b && ansi[j + 1] === "\\")) j++;
    return j < ansi.length && ansi.charCodeAt(j) === 0x07 ? j + 1 : Math.min(ansi.length, j + 2);
  }
  if (next !== undefined && "()*+#%".includes(next)) return Math.min(ansi.length, i + 3);
  return Math.min(ansi.length, i + 2);
}
