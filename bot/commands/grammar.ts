import { z } from "zod";
import type { Platform } from "../../core/chat";
import { Approver, MergePolicy, Priority, QualityGate, Severity, WorkBeadType } from "../../core/domain";
import { BeadId, RigName } from "../../core/ids";
import { mentionToTarget } from "./mentions";
import { buildOncall, ONCALL_USAGE, OncallCommand } from "./oncall-grammar";
import { tokenize } from "./tokenize";

/**
 * The one command grammar of both platforms (DESIGN §4): `/gt <cmd>` in Slack and Discord,
 * `@gastown <cmd>` and `!<cmd>` in Slack threads, and the console. Parsing never has side
 * effects; anything unknown or malformed becomes a usage reply for that command.
 */

const Text = z.string().trim().min(1).max(4000);
const Title = z.string().trim().min(1, "a title is required").max(300);
const AgentOrBead = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, "give a bead id (gt-4k2m) or an agent id");
const GitUrl = z.string().regex(/^(https?:\/\/|ssh:\/\/|git@|file:\/\/|\/)\S+$/, "give a git URL (https://, ssh://, git@host:, file:// or an absolute path)");

export const Command = z.discriminatedUnion("cmd", [
  z.object({ cmd: z.literal("help"), topic: z.string().optional() }),
  z.object({
    cmd: z.literal("rig_add"),
    gitUrl: GitUrl,
    name: RigName,
    branch: z.string().regex(/^[A-Za-z0-9._/-]{1,100}$/).default("main"),
    mergePolicy: MergePolicy.optional(),
    /** Who may press Approve / Reject: `channel`, users, Slack user groups, Discord roles. */
    approvers: z.array(Approver).min(1).max(50).optional(),
  }),
  z.object({ cmd: z.literal("rig_list") }),
  z.object({ cmd: z.literal("rig_remove"), name: RigName }),
  z.object({ cmd: z.literal("rig_show"), name: RigName.optional() }),
  z.object({
    cmd: z.literal("rig_set"),
    name: RigName,
    config: z
      .object({
        maxPolecats: z.coerce.number().int().min(0).max(64),
        // `command:<argv>` agents run anything in the container: the Town API sets those, not chat.
        agent: z.enum(["claude", "opencode", "codex", "kilo"], { message: "use claude, opencode, codex or kilo (command agents are set through the Town API)" }),
        mergePolicy: MergePolicy,
        approvers: z.array(Approver).min(1).max(50),
        staleAfterMin: z.coerce.number().int().positive().max(24 * 60),
        review: z.enum(["off", "llm"]),
      })
      .partial()
      .refine((c) => Object.keys(c).length > 0, { message: "give at least one setting to change" }),
  }),
  z.object({ cmd: z.literal("rig_gate_add"), name: RigName, gate: QualityGate.extend({ timeoutSec: z.coerce.number().int().positive().max(3600).default(600) }) }),
  z.object({ cmd: z.literal("rig_gate_remove"), name: RigName, gate: z.string().trim().min(1).max(100) }),
  z.object({ cmd: z.literal("sling"), title: Title, priority: Priority.default("P2"), type: WorkBeadType.default("task"), rig: RigName.optional() }),
  z.object({ cmd: z.literal("status"), bead: BeadId.optional() }),
  z.object({ cmd: z.literal("peek"), target: AgentOrBead }),
  z.object({ cmd: z.literal("nudge"), target: AgentOrBead, text: Text }),
  z.object({ cmd: z.literal("stop"), bead: BeadId }),
  z.object({ cmd: z.literal("mq_list"), rig: RigName.optional() }),
  z.object({ cmd: z.literal("merge"), bead: BeadId, decision: z.enum(["approve", "reject"]), reason: z.string().max(2000).optional() }),
  z.object({ cmd: z.literal("convoy_create"), name: z.string().trim().min(1).max(100), beads: z.array(BeadId).min(1).max(500) }),
  z.object({ cmd: z.literal("convoy_status"), convoy: BeadId.optional() }),
  z.object({ cmd: z.literal("convoy_add"), convoy: BeadId, beads: z.array(BeadId).min(1).max(500) }),
  z.object({ cmd: z.literal("escalations") }),
  z.object({ cmd: z.literal("escalate"), severity: Severity, title: Title, body: z.string().trim().min(1).max(50_000).optional() }),
  z.object({ cmd: z.literal("ack"), escalation: BeadId }),
  ...OncallCommand.options,
  z.object({ cmd: z.literal("mayor"), text: Text }),
]);
export type Command = z.infer<typeof Command>;

export type ParseResult = { ok: true; command: Command } | { ok: false; usage: string; error: string };

/** One line of usage per command word. */
export const USAGE: Record<string, string> = {
  help: "help [command]",
  rig:
    'rig add <git-url> [--name NAME] [--branch main] [--merge auto|approve] [--approvers "<@who...>|channel"] | rig list | rig show [name] | ' +
    'rig set <name> [--agent claude|opencode|codex|kilo] [--max-polecats N] [--merge auto|approve] [--approvers "<@who...>|channel"] [--stale-after MIN] [--review llm|off] | ' +
    "rig gate add <name> <gate> [--timeout SEC] -- <command...> | rig gate remove <name> <gate> | rig remove <name>",
  sling: "sling <title> [--priority P0..P4] [--type task|bug|feature|epic] [--rig NAME]",
  status: "status [bead]",
  peek: "peek <bead|agent>",
  nudge: "nudge <bead|agent> <text>",
  stop: "stop <bead>",
  mq: "mq [list] [--rig NAME]",
  merge: "merge <bead> [--approve | --reject [reason]]",
  convoy: "convoy create <name> <bead...> | convoy status [convoy] | convoy add <convoy> <bead...>",
  escalations: "escalations",
  escalate: "escalate <low|medium|high|critical> <title> [-- <body>]",
  ack: "ack <escalation>",
  oncall: ONCALL_USAGE,
  mayor: "mayor <text>",
};

/** The help text: every command with its usage. */
export function helpText(prefix: string): string {
  return ["**Gastown commands**", ...Object.values(USAGE).map((u) => `\`${prefix}${u}\``)].join("\n");
}

interface Words {
  args: string[];
  flags: Map<string, string | true>;
}

/** Split words into positionals and `--flag value` / `--flag=value` / `--switch`. */
function splitFlags(words: string[], switches: ReadonlySet<string>): Words {
  const args: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(w);
    if (!m?.[1]) {
      args.push(w);
      continue;
    }
    if (m[2] !== undefined) flags.set(m[1], m[2]);
    else if (switches.has(m[1])) flags.set(m[1], true);
    else {
      const next = words[i + 1];
      if (next === undefined || next.startsWith("--")) flags.set(m[1], true);
      else {
        flags.set(m[1], next);
        i++;
      }
    }
  }
  return { args, flags };
}

const str = (v: string | true | undefined): string | undefined => (typeof v === "string" ? v : undefined);
const upper = (v: string | undefined) => v?.toUpperCase();

/** A rig name from a git URL's last path segment (`git@h:org/My.Repo.git` -> `my.repo`). */
export function rigNameFromUrl(url: string): string {
  const last = url.replace(/\/+$/, "").split(/[/:]/).pop() ?? "";
  const name = last.replace(/\.git$/, "").toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  return name.slice(0, 63) || "rig";
}

/** `--approvers "<!subteam^S1|@leads> <@U2>"`: one quoted word holding mentions (or `channel`). */
function approverList(platform: Platform, value: string | undefined): string[] | undefined {
  return value
    ?.split(/[\s,]+/)
    .filter((a) => a !== "")
    .map((a) => (a.toLowerCase() === "channel" ? "channel" : (mentionToTarget(platform, a) ?? a)));
}

/**
 * `gate add <rig> <gate> [--timeout SEC] -- <command...>` and `gate remove <rig> <gate>`. The
 * command after ` -- ` is kept as argv words (quotes group), never as a shell string.
 */
function buildGate(words: string[]): Record<string, unknown> | string {
  const op = (words[0] ?? "").toLowerCase();
  if (op === "remove") return words.length === 3 ? { cmd: "rig_gate_remove", name: words[1], gate: words[2] } : "rig gate remove takes a rig and a gate name";
  if (op !== "add") return "rig gate takes add or remove";
  const dashes = words.indexOf("--");
  if (dashes < 0 || dashes === words.length - 1) return "give the gate's command after ` -- `";
  const w = splitFlags(words.slice(1, dashes), new Set());
  const bad = unknownFlags(w, ["timeout"]);
  if (bad) return bad;
  if (w.args.length !== 2) return "rig gate add takes a rig and a gate name before ` -- `";
  const timeoutSec = str(w.flags.get("timeout"));
  return { cmd: "rig_gate_add", name: w.args[0], gate: { name: w.args[1], argv: words.slice(dashes + 1), ...(timeoutSec ? { timeoutSec } : {}) } };
}

function unknownFlags(w: Words, allowed: string[]): string | null {
  const bad = [...w.flags.keys()].filter((k) => !allowed.includes(k));
  return bad.length > 0 ? `unknown option --${bad[0]}` : null;
}

/** Build the raw (unvalidated) command object for a command word, or an error. */
function build(word: string, rest: string[], platform: Platform, now: number): Record<string, unknown> | string {
  const lower = (rest[0] ?? "").toLowerCase();
  switch (word) {
    case "help":
      return { cmd: "help", topic: rest[0]?.toLowerCase() };
    case "rig": {
      const w = splitFlags(rest.slice(1), new Set());
      if (lower === "add") {
        const bad = unknownFlags(w, ["name", "branch", "merge", "approvers"]);
        if (bad) return bad;
        if (w.args.length !== 1) return "give exactly one git URL";
        const gitUrl = w.args[0] as string;
        const merge = str(w.flags.get("merge"))?.toLowerCase();
        const approvers = approverList(platform, str(w.flags.get("approvers")));
        return {
          cmd: "rig_add",
          gitUrl,
          name: str(w.flags.get("name")) ?? rigNameFromUrl(gitUrl),
          branch: str(w.flags.get("branch")),
          ...(merge ? { mergePolicy: merge } : {}),
          ...(approvers ? { approvers } : {}),
        };
      }
      if (lower === "list" && rest.length === 1) return { cmd: "rig_list" };
      if (lower === "remove" && rest.length === 2) return { cmd: "rig_remove", name: rest[1] };
      if (lower === "show" && rest.length <= 2) return { cmd: "rig_show", name: rest[1] };
      if (lower === "set") {
        const bad = unknownFlags(w, ["agent", "max-polecats", "merge", "approvers", "stale-after", "review"]);
        if (bad) return bad;
        if (w.args.length !== 1) return "rig set takes one rig name, then the settings";
        const approvers = approverList(platform, str(w.flags.get("approvers")));
        const config: Record<string, unknown> = {
          maxPolecats: str(w.flags.get("max-polecats")),
          agent: str(w.flags.get("agent")),
          mergePolicy: str(w.flags.get("merge"))?.toLowerCase(),
          approvers,
          staleAfterMin: str(w.flags.get("stale-after")),
          review: str(w.flags.get("review"))?.toLowerCase(),
        };
        for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
        return { cmd: "rig_set", name: w.args[0], config };
      }
      if (lower === "gate") return buildGate(rest.slice(1));
      // Discord's subcommands cannot nest three deep: `/gt rig gate-add` is `rig gate add`.
      if (lower === "gate-add" || lower === "gate-remove") return buildGate([lower.slice(5), ...rest.slice(1)]);
      return "rig takes add, list, show, set, gate or remove";
    }
    case "sling": {
      const w = splitFlags(rest, new Set());
      const bad = unknownFlags(w, ["priority", "type", "rig"]);
      if (bad) return bad;
      return {
        cmd: "sling",
        title: w.args.join(" "),
        priority: upper(str(w.flags.get("priority"))),
        type: str(w.flags.get("type"))?.toLowerCase(),
        rig: str(w.flags.get("rig")),
      };
    }
    case "status":
      return rest.length > 1 ? "status takes at most one bead" : { cmd: "status", bead: rest[0] };
    case "peek":
      return rest.length !== 1 ? "peek takes one bead or agent" : { cmd: "peek", target: rest[0] };
    case "nudge":
      return { cmd: "nudge", target: rest[0], text: rest.slice(1).join(" ") };
    case "stop":
      return rest.length !== 1 ? "stop takes one bead" : { cmd: "stop", bead: rest[0] };
    case "mq": {
      const w = splitFlags(lower === "list" ? rest.slice(1) : rest, new Set());
      const bad = unknownFlags(w, ["rig"]);
      if (bad) return bad;
      if (w.args.length > 0) return "mq takes list and --rig NAME only";
      const rig = str(w.flags.get("rig"));
      return rig === undefined ? { cmd: "mq_list" } : { cmd: "mq_list", rig };
    }
    case "merge": {
      const w = splitFlags(rest, new Set(["approve"]));
      const bad = unknownFlags(w, ["approve", "reject"]);
      if (bad) return bad;
      if (w.flags.has("approve") && w.flags.has("reject")) return "approve or reject, not both";
      const rejectReason = w.flags.get("reject");
      const [bead, ...more] = w.args;
      if (rejectReason === undefined && more.length > 0) return "merge takes one bead";
      const reason = [typeof rejectReason === "string" ? rejectReason : "", ...more].join(" ").trim();
      return rejectReason !== undefined
        ? { cmd: "merge", bead, decision: "reject", reason: reason || undefined }
        : { cmd: "merge", bead, decision: "approve" };
    }
    case "convoy":
      if (lower === "create") return { cmd: "convoy_create", name: rest[1], beads: rest.slice(2) };
      if (lower === "status" && rest.length <= 2) return { cmd: "convoy_status", convoy: rest[1] };
      if (lower === "add") return { cmd: "convoy_add", convoy: rest[1], beads: rest.slice(2) };
      return "convoy takes create, status or add";
    case "escalations":
      return rest.length === 0 ? { cmd: "escalations" } : "escalations takes no arguments";
    case "escalate":
      return { cmd: "escalate", severity: lower, title: rest.slice(1).join(" ") };
    case "ack":
      return rest.length !== 1 ? "ack takes one escalation" : { cmd: "ack", escalation: rest[0] };
    case "oncall":
      return buildOncall(rest, platform, now);
    case "mayor":
      return { cmd: "mayor", text: rest.join(" ") };
    default:
      return `unknown command \`${word}\``;
  }
}

/**
 * `escalate` keeps its body as typed after a bare ` -- ` (line breaks and all), not as grammar
 * words. A `--` inside quotes belongs to the title.
 */
function splitBody(text: string): { head: string; body?: string } {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "\\") i++;
    else if (quote) {
      if (ch === quote || (quote === '"' && /[\u201c\u201d]/.test(ch)) || (quote === "'" && /[\u2018\u2019]/.test(ch))) quote = null;
    } else if (/["'\u201c\u201d\u2018\u2019]/.test(ch)) quote = /[\u201c\u201d]/.test(ch) ? '"' : /[\u2018\u2019]/.test(ch) ? "'" : ch;
    else if (ch === "-" && text[i + 1] === "-" && (i === 0 || /\s/.test(text[i - 1] as string)) && (i + 2 === text.length || /\s/.test(text[i + 2] as string))) {
      const body = text.slice(i + 2).trim();
      return { head: text.slice(0, i), ...(body ? { body } : {}) };
    }
  }
  // An apostrophe (`don't`) opened a "quote" that never closed: split at the first bare `--`.
  const m = quote ? /(^|\s)--(\s|$)/.exec(text) : null;
  if (!m) return { head: text };
  const body = text.slice(m.index + m[0].length).trim();
  return { head: text.slice(0, m.index), ...(body ? { body } : {}) };
}

/** Parse the text after `/gt`, `@gastown` or `!` into a validated command (`now` dates `oncall rotate now`). */
export function parseCommand(text: string, platform: Platform, prefix = "/gt ", now = Date.now()): ParseResult {
  const first = (tokenize(text)[0] ?? "help").toLowerCase();
  const { head, body } = first === "escalate" ? splitBody(text) : { head: text, body: undefined };
  const words = tokenize(head);
  const word = (words[0] ?? "help").toLowerCase();
  const usage = USAGE[word] ? `Usage: \`${prefix}${USAGE[word]}\`` : `Try \`${prefix}help\` for the list of commands.`;
  const built = build(word, words.slice(1), platform, now);
  const raw = typeof built === "string" || body === undefined ? built : { ...built, body };
  if (typeof raw === "string") return { ok: false, usage, error: raw };
  const r = Command.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { ok: false, usage, error: `${where}${issue?.message ?? "invalid command"}` };
  }
  return { ok: true, command: r.data };
}
