import type { MergeResult } from "../core/container-api";

/**
 * Redaction of secrets from terminal output before a snapshot leaves the container (and from
 * merge results). Works on plain text; `redact-ansi.ts` maps the same spans onto serialized
 * ANSI so a secret split by colour codes is still caught.
 */

/** What a secret is replaced with. Must not itself match any pattern below. */
export const REDACTED = "[redacted]";

/** A half-open range [start, end) of a string that holds a secret. */
export interface RedactSpan {
  start: number;
  end: number;
}

/** One terminal row: its text (trailing blanks trimmed) and whether it continues the row above. */
export interface TerminalRow {
  text: string;
  wrapped: boolean;
}

interface Pattern {
  re: RegExp;
  /** Capture group holding the secret (0 = the whole match). */
  group: number;
}

// `d` gives group indices; horizontal whitespace only ([ \t]) so a label on one row never
// swallows the next row. Only the private key block may span lines.
const PATTERNS: readonly Pattern[] = [
  { re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/dg, group: 0 },
  // Anthropic (sk-ant-...), OpenAI (sk-..., sk-proj-...) and look-alikes.
  { re: /\bsk-[A-Za-z0-9_-]{16,}/dg, group: 0 },
  // Slack bot/user/app tokens.
  { re: /\bxox[abposre]-[A-Za-z0-9-]{10,}/dg, group: 0 },
  { re: /\bxapp-[A-Za-z0-9-]{10,}/dg, group: 0 },
  // GitHub classic and fine-grained tokens.
  { re: /\bgh[pousr]_[A-Za-z0-9]{20,}/dg, group: 0 },
  { re: /\bgithub_pat_[A-Za-z0-9_]{20,}/dg, group: 0 },
  // AWS access key ids.
  { re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/dg, group: 0 },
  // Credentials after a scheme or a header name; the label stays visible.
  { re: /\bBearer[ \t]+([A-Za-z0-9._~+/=-]{8,})/dgi, group: 1 },
  { re: /\bAuthorization[ \t]*[:=][ \t]*["']?(?:(?:Bearer|Basic|Token|Bot)[ \t]+)?(?!(?:Bearer|Basic|Token|Bot)[ \t]|\[redacted\])([^\s"',;]+)/dgi, group: 1 },
  // Env-style assignments: ANTHROPIC_API_KEY=..., GH_TOKEN=..., DB_PASSWORD=...
  { re: /\b[A-Z0-9_]*(?:API_KEY|APIKEY|TOKEN|SECRET|PASSWORD)[ \t]*=[ \t]*["']?((?!\[redacted\])[^\s"']{6,})/dg, group: 1 },
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Sorted, merged spans (overlapping or touching ranges become one). */
function mergeSpans(spans: RedactSpan[]): RedactSpan[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: RedactSpan[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** Replaces each span with REDACTED, keeping line breaks inside a span so rows stay rows. */
export function applySpans(text: string, spans: readonly RedactSpan[]): string {
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + REDACTED + text.slice(s.start, s.end).replace(/[^\n]/g, "");
    at = s.end;
  }
  return out + text.slice(at);
}

/** Finds and removes secrets in terminal text. One per agent (its secret values differ). */
export interface Redactor {
  /** Secret spans in `text`, sorted and merged. */
  spans(text: string): RedactSpan[];
  /** `text` with every secret replaced. */
  text(text: string): string;
  /** Rows with secrets replaced, detecting secrets that wrap across rows. Same row count. */
  rows(rows: readonly TerminalRow[]): string[];
}

export interface RedactorOptions {
  /** Literal secret values (env values marked secret, the agent token, configured keys). */
  secrets?: Iterable<string>;
  /** Shorter literal values are ignored: redacting "1" or "dev" would blank the screen. */
  minSecretLength?: number;
}

/** Builds a redactor for a set of literal secrets plus the common token shapes. */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const min = opts.minSecretLength ?? 8;
  const literals = [...new Set(opts.secrets ?? [])].filter((s) => s.length >= min).sort((a, b) => b.length - a.length);
  const patterns: Pattern[] = [...PATTERNS];
  if (literals.length > 0) patterns.push({ re: new RegExp(literals.map(escapeRegExp).join("|"), "dg"), group: 0 });

  const spans = (text: string): RedactSpan[] => {
    const found: RedactSpan[] = [];
    for (const p of patterns) {
      p.re.lastIndex = 0;
      for (const m of text.matchAll(p.re)) {
        const range = m.indices?.[p.group];
        if (range && range[1] > range[0]) found.push({ start: range[0], end: range[1] });
      }
    }
    return mergeSpans(found);
  };

  const rows = (input: readonly TerminalRow[]): string[] => {
    // One document of logical lines (wrapped rows joined) so a secret cut by the right
    // margin is still found; then each row gets back its own redacted piece.
    const starts: number[] = [];
    let doc = "";
    input.forEach((row, i) => {
      if (i > 0) doc += row.wrapped ? "" : "\n";
      starts.push(doc.length);
      doc += row.text;
    });
    const found = spans(doc);
    if (found.length === 0) return input.map((r) => r.text);
    const end = (i: number) => (starts[i] ?? 0) + (input[i]?.text.length ?? 0);
    // The replacement goes into the first row that shows part of the secret.
    const owner = found.map((s) => input.findIndex((_r, i) => s.start < end(i) && s.end > (starts[i] ?? 0)));
    return input.map((row, i) => {
      const from = starts[i] ?? 0;
      const to = end(i);
      let out = "";
      let at = from;
      found.forEach((s, k) => {
        if (s.end <= from || s.start >= to) return;
        out += doc.slice(at, Math.max(s.start, from));
        if (owner[k] === i) out += REDACTED;
        at = Math.min(s.end, to);
      });
      return row.text.length === 0 ? "" : out + doc.slice(at, to);
    });
  };

  return { spans, text: (t) => applySpans(t, spans(t)), rows };
}

/**
 * A merge result as it may leave the container: gate output, the detail, the diff stat and the
 * patch go to chat threads, mail and an LLM review, so the same secrets as on screens are
 * replaced (a gate can print anything it can read).
 */
export function redactMergeResult(result: MergeResult, redactor: Redactor): MergeResult {
  return {
    ...result,
    detail: redactor.text(result.detail),
    diffStat: redactor.text(result.diffStat),
    ...(result.diff === undefined ? {} : { diff: redactor.text(result.diff) }),
    gates: result.gates.map((g) => ({ ...g, output: redactor.text(g.output) })),
  };
}
