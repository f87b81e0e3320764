import type { LogFields, Logger } from "./ports";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/** Keys whose values never reach a log line. */
const SECRET_KEY = /token|secret|password|authorization|api[_-]?key|cookie/i;

function scrub(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : v;
  return out;
}

/** JSON-lines logger over a sink (console in Workers and Node alike). */
export function createLogger(
  opts: { level?: LogLevel; scope?: string; fields?: LogFields; sink?: (line: string, level: LogLevel) => void } = {},
): Logger {
  const min = LEVELS[opts.level ?? "info"];
  const sink = opts.sink ?? ((line: string, level: LogLevel) => (level === "error" || level === "warn" ? console.error(line) : console.log(line)));
  const base = { ...(opts.scope ? { scope: opts.scope } : {}), ...opts.fields };
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    sink(JSON.stringify({ level, msg, ...scrub({ ...base, ...fields }) }), level);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (scope, fields) =>
      createLogger({ ...opts, scope: opts.scope ? `${opts.scope}.${scope}` : scope, fields: { ...opts.fields, ...fields } }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ sink: () => {} });
