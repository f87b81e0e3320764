import { formatAt, targetLabel } from "../time-format";
import type { OncallEntry, QuietHours } from "../town-client";
import { type CommandContext, code, priv, pub, type Reply } from "./context";
import type { OncallCommand } from "./oncall-grammar";

/** `/gt oncall ...`: who is paged for escalations, their rotation, and quiet hours. */

const who = (targets: readonly string[]) => targets.map((t) => code(targetLabel(t))).join(", ");
const scopeName = (rig: string | undefined) => (rig ? `rig ${code(rig)}` : "the town");

function entryLine(e: OncallEntry, now: number): string {
  const base = `• **${e.severity}**: ${e.targets.length > 0 ? who(e.targets) : "—"}`;
  if (!e.rotation) return base;
  const r = e.rotation;
  const shifts = r.shifts.map((s) => who(s)).join(" | ");
  const hand = e.handoverAt ? `, hands over ${formatAt(e.handoverAt, "UTC", now)}` : "";
  return `${base}; rotation every ${r.everyHours}h: ${shifts} (on call now: ${who(e.onCall)}${hand})`;
}

function quietLine(q: QuietHours | null, rig: string | undefined): string {
  if (q) return `Quiet hours: ${q.start}–${q.end} ${q.timeZone} (low and medium pings wait; high and critical never do)`;
  // A rig without its own window follows the town's (the worker's quietHoldUntil does).
  return rig ? "Quiet hours: the town's" : "Quiet hours: none";
}

async function show(ctx: CommandContext, rig: string | undefined, now: number): Promise<string[]> {
  const [entries, quiet] = await Promise.all([ctx.town.getOncall(rig), ctx.town.getQuietHours(rig)]);
  return [`**On-call for ${scopeName(rig)}**`, ...(entries.length > 0 ? entries.map((e) => entryLine(e, now)) : ["nobody set"]), quietLine(quiet, rig)];
}

/** Run one oncall command. Without `--rig` settings are the town's; `show` in a rig channel shows both. */
export async function executeOncall(cmd: OncallCommand, ctx: CommandContext, channelRig: string | null): Promise<Reply[]> {
  const { town, actor } = ctx;
  const now = ctx.now?.() ?? Date.now();
  const scope = cmd.rig === undefined ? {} : { rig: cmd.rig };
  const hint = cmd.rig === undefined ? ` (town-wide; add ${code("--rig NAME")} for one rig)` : "";
  switch (cmd.cmd) {
    case "oncall_set":
      await town.setOncall({ severity: cmd.severity, targets: cmd.targets, actor, ...scope });
      return [pub(`On-call for **${cmd.severity}** escalations on ${scopeName(cmd.rig)}: ${who(cmd.targets)}${hint}.`)];
    case "oncall_rotate": {
      await town.setOncall({ severity: cmd.severity, actor, rotation: { shifts: cmd.shifts, startsAt: cmd.startsAt, everyHours: cmd.everyHours }, ...scope });
      const shifts = cmd.shifts.map((s, i) => `${i + 1}. ${who(s)}`).join("\n");
      return [pub(`Rotation for **${cmd.severity}** escalations on ${scopeName(cmd.rig)}${hint}: shifts of ${cmd.everyHours}h from ${formatAt(cmd.startsAt, "UTC", now)}, in turn:\n${shifts}`)];
    }
    case "oncall_quiet":
      await town.setQuietHours({ start: cmd.start, end: cmd.end, timeZone: cmd.timeZone, actor, ...scope });
      return [pub(`Quiet hours for ${scopeName(cmd.rig)}: ${cmd.start}–${cmd.end} ${cmd.timeZone}${hint}. Low and medium pings wait until the end; high and critical never wait.`)];
    case "oncall_quiet_off": {
      const cleared = await town.clearQuietHours({ actor, ...scope });
      return [cleared ? pub(`Quiet hours for ${scopeName(cmd.rig)} are off.`) : priv(`${scopeName(cmd.rig)} had no quiet hours.`)];
    }
    case "oncall_show": {
      const rig = cmd.rig ?? channelRig ?? undefined;
      const lines = await show(ctx, undefined, now);
      if (rig) lines.push("", ...(await show(ctx, rig, now)));
      return [priv(lines.join("\n"))];
    }
  }
}
