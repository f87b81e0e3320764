import { REDACTED, type Redactor } from "./redact";

/**
 * Redaction of serialized ANSI. A secret printed in colours arrives as
 * `sk-ant-\x1b[31mabc\x1b[0mdef`: searching the raw string misses it. So we search the
 * visible characters (colour codes are transparent, other escapes separate words) and map the
 * spans back onto the ANSI string, keeping every escape so colours stay balanced.
 */

/** Visible characters of an ANSI string and, for each, its index in the ANSI string (-1: a separator). */
interface Visible {
  vis: string;
  idx: number[];
}

const ESC = "\x1b";

/** End index (exclusive) of the escape sequence starting at `i` (ansi[i] === ESC), and whether it is SGR. */
function escapeEnd(ansi: string, i: number): { end: number; sgr: boolean } {
  const kind = ansi[i + 1];
  if (kind === "[") {
    let j = i + 2;
    while (j < ansi.length && /[\x20-\x3f]/.test(ansi[j] ?? "")) j++;
    return { end: Math.min(j + 1, ansi.length), sgr: ansi[j] === "m" };
  }
  if (kind === "]" || kind === "P" || kind === "X" || kind === "^" || kind === "_") {
    // String sequences end with BEL or ST (ESC \).
    let j = i + 2;
    while (j < ansi.length && ansi[j] !== "\x07" && !(ansi[j] === ESC && ansi[j + 1] === "\\")) j++;
    return { end: ansi[j] === "\x07" ? j + 1 : Math.min(j + 2, ansi.length), sgr: false };
  }
  let j = i + 1;
  while (j < ansi.length && /[\x20-\x2f]/.test(ansi[j] ?? "")) j++;
  return { end: Math.min(j + 1, ansi.length), sgr: false };
}

/**
 * The characters a person would read. `joinAll` makes every escape transparent (used to
 * double-check the result); otherwise only SGR is transparent and cursor moves separate.
 */
function visible(ansi: string, joinAll: boolean): Visible {
  let vis = "";
  const idx: number[] = [];
  let i = 0;
  while (i < ansi.length) {
    const ch = ansi[i] ?? "";
    if (ch === ESC) {
      const { end, sgr } = escapeEnd(ansi, i);
      if (!sgr && !joinAll) {
        vis += "\n";
        idx.push(-1);
      }
      i = end;
      continue;
    }
    if (ch === "\r") {
      i++;
      continue;
    }
    const code = ch.charCodeAt(0);
    if (code < 0x20 && ch !== "\n" && ch !== "\t") {
      if (!joinAll) {
        vis += "\n";
        idx.push(-1);
      }
    } else {
      vis += ch;
      idx.push(i);
    }
    i++;
  }
  return { vis, idx };
}

/**
 * Redacts secrets from serialized ANSI. `prefix` is the plain text just above (scrollback
 * rows, ending with the separator) so a key block that began off-screen is still found.
 * Returns null when the result cannot be proven clean; the caller then ships plain text.
 */
export function redactAnsi(redactor: Redactor, ansi: string, prefix = ""): string | null {
  const { vis, idx } = visible(ansi, false);
  const shift = prefix.length;
  const spans = redactor
    .spans(prefix + vis)
    .map((s) => ({ start: Math.max(0, s.start - shift), end: Math.min(vis.length, s.end - shift) }))
    .filter((s) => s.end > s.start);
  let out = ansi;
  if (spans.length > 0) {
    const drop = new Uint8Array(ansi.length);
    const insert = new Set<number>();
    for (const s of spans) {
      let first = true;
      for (let v = s.start; v < s.end; v++) {
        const at = idx[v] ?? -1;
        // Line breaks stay so the screen keeps its rows.
        if (at < 0 || ansi[at] === "\n") continue;
        if (first) insert.add(at);
        first = false;
        drop[at] = 1;
      }
    }
    out = "";
    for (let i = 0; i < ansi.length; i++) {
      if (insert.has(i)) out += REDACTED;
      if (!drop[i]) out += ansi[i];
    }
  }
  // Belt and braces: with every escape removed nothing secret-shaped may remain.
  return redactor.spans(visible(out, true).vis).length === 0 ? out : null;
}

/** Plain text of an ANSI string (every escape removed), for tests and fallbacks. */
export function stripAnsi(ansi: string): string {
  return visible(ansi, true).vis;
}
