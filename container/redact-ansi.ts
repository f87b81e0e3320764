import { REDACTED, type Redactor } from "./redact";

/**
 * Redaction of serialized ANSI. A secret printed in colours arrives as
 * `sk-ant-\x1b[31mabc\x1b[0mdef`: searching the raw string misses it. So we search the
 * visible characters (colour codes are transparent, other escapes separate words) and map the
 * spans back onto the ANSI string, keeping every escape so colours stay balanced.
 */

/**
 * Visible characters of an ANSI string, in two readings: `vis`, where colour codes are
 * transparent and every other escape (cursor moves, gaps) separates words like a line break,
 * and `joined`, where every escape is transparent (used to double-check a result).
 * `runs` maps `vis` back onto the ANSI string: [visStart, ansiStart, length] per plain run.
 */
interface Visible {
  vis: string;
  joined: string;
  runs: Array<[number, number, number]>;
}

const ESC = 0x1b;

/** End index (exclusive) of the escape sequence at `i`, and whether it is SGR (colours). */
function escapeEnd(ansi: string, i: number): { end: number; sgr: boolean } {
  const kind = ansi.charCodeAt(i + 1);
  const n = ansi.length;
  if (kind === 0x5b /* [ */) {
    let j = i + 2;
    while (j < n) {
      const c = ansi.charCodeAt(j);
      if (c < 0x20 || c > 0x3f) break;
      j++;
    }
    return { end: Math.min(j + 1, n), sgr: ansi.charCodeAt(j) === 0x6d /* m */ };
  }
  if (kind === 0x5d || kind === 0x50 || kind === 0x58 || kind === 0x5e || kind === 0x5f) {
    // OSC / DCS / SOS / PM / APC end with BEL or ST (ESC \).
    let j = i + 2;
    while (j < n && ansi.charCodeAt(j) !== 0x07 && !(ansi.charCodeAt(j) === ESC && ansi.charCodeAt(j + 1) === 0x5c)) j++;
    return { end: ansi.charCodeAt(j) === 0x07 ? j + 1 : Math.min(j + 2, n), sgr: false };
  }
  let j = i + 1;
  while (j < n) {
    const c = ansi.charCodeAt(j);
    if (c < 0x20 || c > 0x2f) break;
    j++;
  }
  return { end: Math.min(j + 1, n), sgr: false };
}

function visible(ansi: string): Visible {
  const parts: string[] = [];
  const joinedParts: string[] = [];
  const runs: Array<[number, number, number]> = [];
  let visLen = 0;
  let runStart = 0;
  const flush = (end: number) => {
    if (end > runStart) {
      const text = ansi.slice(runStart, end);
      parts.push(text);
      joinedParts.push(text);
      runs.push([visLen, runStart, end - runStart]);
      visLen += end - runStart;
    }
  };
  const separate = () => {
    parts.push("\n");
    visLen += 1;
  };
  let i = 0;
  while (i < ansi.length) {
    const c = ansi.charCodeAt(i);
    // Printable, tab and line feed are visible; CR and other controls are not.
    if (c >= 0x20 || c === 0x0a || c === 0x09) {
      if (c === 0x7f) {
        flush(i);
        runStart = ++i;
        continue;
      }
      i++;
      continue;
    }
    flush(i);
    if (c === ESC) {
      const { end, sgr } = escapeEnd(ansi, i);
      if (!sgr) separate();
      i = end;
    } else {
      if (c !== 0x0d) separate();
      i++;
    }
    runStart = i;
  }
  flush(ansi.length);
  return { vis: parts.join(""), joined: joinedParts.join(""), runs };
}

/** Index in the ANSI string of visible character `v`, or -1 for a separator. */
function ansiIndex(runs: ReadonlyArray<[number, number, number]>, v: number): number {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [vs, as, len] = runs[mid] as [number, number, number];
    if (v < vs) hi = mid - 1;
    else if (v >= vs + len) lo = mid + 1;
    else return as + (v - vs);
  }
  return -1;
}

/**
 * Redacts secrets from serialized ANSI. `prefix` is the plain text just above (scrollback
 * rows, ending with the separator) so a key block that began off-screen is still found.
 * Returns null when the result cannot be proven clean; the caller then ships plain text.
 */
export function redactAnsi(redactor: Redactor, ansi: string, prefix = ""): string | null {
  const { vis, joined, runs } = visible(ansi);
  const shift = prefix.length;
  const spans = redactor
    .spans(prefix + vis)
    .map((s) => ({ start: Math.max(0, s.start - shift), end: Math.min(vis.length, s.end - shift) }))
    .filter((s) => s.end > s.start);
  if (spans.length === 0) {
    // Belt and braces: with every escape removed nothing secret-shaped may remain.
    return redactor.spans(joined).length === 0 ? ansi : null;
  }
  const drop = new Uint8Array(ansi.length);
  const insert = new Set<number>();
  for (const s of spans) {
    let first = true;
    for (let v = s.start; v < s.end; v++) {
      const at = ansiIndex(runs, v);
      // Line breaks stay so the screen keeps its rows.
      if (at < 0 || ansi.charCodeAt(at) === 0x0a) continue;
      if (first) insert.add(at);
      first = false;
      drop[at] = 1;
    }
  }
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < ansi.length; i++) {
    if (!drop[i] && !insert.has(i)) continue;
    out.push(ansi.slice(from, i));
    if (insert.has(i)) out.push(REDACTED);
    from = drop[i] ? i + 1 : i;
  }
  out.push(ansi.slice(from));
  const result = out.join("");
  return redactor.spans(visible(result).joined).length === 0 ? result : null;
}

/** Plain text of an ANSI string (every escape removed), for tests and fallbacks. */
export function stripAnsi(ansi: string): string {
  return visible(ansi).joined;
}
