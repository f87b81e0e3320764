import { z } from "zod";
import type { Platform } from "../../core/chat";
import { Severity } from "../../core/domain";
import { RigName } from "../../core/ids";
import { LocalTime, TimeZone } from "../../core/town-api";
import { mentionToTarget } from "./mentions";

/**
 * The `oncall` family of the command grammar:
 *
 *   oncall set <severity> <@who...> [--rig NAME]
 *   oncall rotate <severity> <starts> <every> <@who...> | <@who...> ... [--rig NAME]
 *   oncall quiet <HH:MM>-<HH:MM> <Time/Zone> [--rig NAME]
 *   oncall quiet off [--rig NAME]
 *   oncall show [--rig NAME]
 *
 * Without `--rig` a setting is the town's (every rig falls back to it). Shifts of a rotation
 * are separated by `|` and take turns, each on call for <every> (`24h`, `7d`, `weekly`), the
 * first from <starts> (`now`, or an ISO date-time with an offset: `2026-11-23T09:00+01:00`).
 */

/** `slack:user:U1`, `discord:role:7`, ... or `channel` (the channel of the escalation's rig). */
export const OncallTargetWord = z.union([
  z.literal("channel"),
  z.string().regex(/^(slack|discord|console):(user|group|role|channel):[A-Za-z0-9._-]{1,100}$/, "mention a user or group (or write channel)"),
]);
const Targets = z.array(OncallTargetWord).min(1).max(20);

export const OncallCommand = z.discriminatedUnion("cmd", [
  z.object({ cmd: z.literal("oncall_set"), severity: Severity, targets: Targets, rig: RigName.optional() }),
  z.object({
    cmd: z.literal("oncall_rotate"),
    severity: Severity,
    /** Epoch ms when the first shift starts. */
    startsAt: z.number().int().nonnegative(),
    everyHours: z.number().int().min(1).max(24 * 366),
    shifts: z.array(Targets).min(1).max(52),
    rig: RigName.optional(),
  }),
  z.object({ cmd: z.literal("oncall_quiet"), start: LocalTime, end: LocalTime, timeZone: TimeZone, rig: RigName.optional() }),
  z.object({ cmd: z.literal("oncall_quiet_off"), rig: RigName.optional() }),
  z.object({ cmd: z.literal("oncall_show"), rig: RigName.optional() }),
]);
export type OncallCommand = z.infer<typeof OncallCommand>;

export const ONCALL_USAGE =
  "oncall set <low|medium|high|critical> <@who...> [--rig NAME]; " +
  "oncall rotate <severity> <now|2026-11-23T09:00+01:00> <24h|7d|weekly> <@who...> | <@who...> [--rig NAME]; " +
  "oncall quiet <22:00-07:00> <Europe/Berlin> [--rig NAME]; oncall quiet off [--rig NAME]; oncall show [--rig NAME]";

/** `24`, `24h`, `2d`, `1w`, `daily`, `weekly` -> hours, or null. */
export function parseHours(word: string): number | null {
  const named: Record<string, number> = { daily: 24, weekly: 168, hourly: 1 };
  const w = word.toLowerCase();
  if (named[w] !== undefined) return named[w];
  const m = /^(\d{1,5})(h|d|w)?$/.exec(w);
  if (!m?.[1]) return null;
  const n = Number(m[1]) * (m[2] === "d" ? 24 : m[2] === "w" ? 168 : 1);
  return n >= 1 ? n : null;
}

/**
 * `now` or an ISO date-time WITH an offset (`Z`, `+01:00`) -> epoch ms, or null. A time
 * without an offset is refused: it would silently mean the bot's own time zone.
 */
export function parseStart(word: string, now: number): number | null {
  if (word.toLowerCase() === "now") return now;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(word)) return null;
  const ms = Date.parse(word);
  return Number.isFinite(ms) ? ms : null;
}

/** Pull `--rig NAME` out of the words; an error string for `--rig` without a name or other flags. */
function takeRig(words: readonly string[]): { rest: string[]; rig?: string } | string {
  const rest: string[] = [];
  let rig: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const eq = /^--rig=(.*)$/.exec(w);
    if (eq) rig = eq[1];
    else if (w === "--rig") {
      const next = words[i + 1];
      if (next === undefined || next.startsWith("--")) return "--rig needs a rig name";
      rig = next;
      i++;
    } else if (/^--[a-z]/.test(w)) return `unknown option ${w}`;
    else rest.push(w);
  }
  return rig === undefined ? { rest } : { rest, rig };
}

/**
 * `a b | c` and `a b|c` -> [[a, b], [c]]. A bar inside a mention is not a separator: Slack
 * writes mentions as `<@U1|bob>` and `<!subteam^S1|@devs>`.
 */
export function splitShifts(text: string): string[][] {
  const shifts: string[] = [""];
  let depth = 0;
  for (const ch of text) {
    if (ch === "<") depth++;
    else if (ch === ">") depth = Math.max(0, depth - 1);
    if (ch === "|" && depth === 0) shifts.push("");
    else shifts[shifts.length - 1] += ch;
  }
  return shifts.map((s) => s.trim().split(/\s+/).filter((w) => w !== ""));
}

const target = (platform: Platform, w: string) => (w.toLowerCase() === "channel" ? "channel" : (mentionToTarget(platform, w) ?? w));

/** Raw (unvalidated) oncall command from the words after `oncall`, or an error. */
export function buildOncall(words: readonly string[], platform: Platform, now: number): Record<string, unknown> | string {
  const taken = takeRig(words.slice(1));
  if (typeof taken === "string") return taken;
  const { rest, rig } = taken;
  const scope = rig === undefined ? {} : { rig };
  switch ((words[0] ?? "").toLowerCase()) {
    case "set":
      return { cmd: "oncall_set", severity: rest[0]?.toLowerCase(), targets: rest.slice(1).map((w) => target(platform, w)), ...scope };
    case "rotate": {
      const [severity, starts, every, ...who] = rest;
      if (!starts || !every) return "give a start (now or 2026-11-23T09:00+01:00), a shift length (24h, 7d, weekly) and the shifts";
      const startsAt = parseStart(starts, now);
      if (startsAt === null) return `start ${starts}: use now or an ISO date-time with an offset, e.g. 2026-11-23T09:00+01:00`;
      const everyHours = parseHours(every);
      if (everyHours === null) return `shift length ${every}: use hours (12, 24h), days (7d), weeks (1w), daily or weekly`;
      const shifts = splitShifts(who.join(" "));
      if (shifts.some((s) => s.length === 0)) return "every shift needs at least one person or group (shifts are separated by |)";
      return { cmd: "oncall_rotate", severity: severity?.toLowerCase(), startsAt, everyHours, shifts: shifts.map((s) => s.map((w) => target(platform, w))), ...scope };
    }
    case "quiet": {
      if (rest.length === 1 && rest[0]?.toLowerCase() === "off") return { cmd: "oncall_quiet_off", ...scope };
      const m = /^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(rest[0] ?? "");
      if (!m || rest.length !== 2) return "give a window and a time zone, e.g. 22:00-07:00 Europe/Berlin, or off";
      const pad = (t: string | undefined) => (t && t.length === 4 ? `0${t}` : t);
      return { cmd: "oncall_quiet", start: pad(m[1]), end: pad(m[2]), timeZone: rest[1], ...scope };
    }
    case "show":
      return rest.length === 0 ? { cmd: "oncall_show", ...scope } : "oncall show takes only --rig";
    default:
      return "oncall takes set, rotate, quiet or show";
  }
}
