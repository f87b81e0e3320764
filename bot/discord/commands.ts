import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type RESTPutAPIApplicationCommandsJSONBody,
} from "discord.js";
import { Priority, Severity, WorkBeadType } from "../../core/domain";

/**
 * The `/gt` command as Discord sees it: one command whose subcommands (and subcommand groups)
 * mirror the grammar in DESIGN §4, so Discord shows each verb with typed, described options.
 * The same table turns a received command back into grammar text (`sling fix login
 * --priority P1`), so registration and parsing cannot drift apart.
 */
export const COMMAND_NAME = "gt";

/** How an option becomes grammar text. */
type ArgKind =
  /** the value as one word, quoted when it holds spaces or quotes */
  | "text"
  /** the value as several words, unquoted (a list of bead ids) */
  | "words"
  /** `--<name> <value>` */
  | "flag"
  /** `--<value>` (a choice that selects a switch, e.g. approve|reject) */
  | "switch"
  /** a Discord user, written as its mention `<@id>` */
  | "user"
  /** a Discord role, written as its mention `<@&id>` */
  | "role"
  /** everything after `--`, as typed (an escalation's body) */
  | "rest";

interface ArgSpec {
  name: string;
  description: string;
  kind: ArgKind;
  required?: boolean;
  choices?: readonly string[];
}

interface VerbSpec {
  name: string;
  description: string;
  args: readonly ArgSpec[];
}

interface GroupSpec {
  name: string;
  description: string;
  verbs: readonly VerbSpec[];
}

const bead = (required = true): ArgSpec => ({ name: "bead", description: "Bead id, e.g. gt-4k2m", kind: "text", required });
const rigFlag: ArgSpec = { name: "rig", description: "Only this rig (default: the whole town)", kind: "flag" };
const severity: ArgSpec = { name: "severity", description: "Severity", kind: "text", required: true, choices: Severity.options };

/** Top-level verbs, in the order of the grammar's usage table (bot/commands/grammar.ts). */
export const VERBS: readonly (VerbSpec | GroupSpec)[] = [
  { name: "help", description: "Show what Gastown can do", args: [{ name: "command", description: "A command to explain", kind: "text" }] },
  {
    name: "rig",
    description: "Bind channels to git repositories",
    verbs: [
      {
        name: "add",
        description: "Bind this channel to a repository",
        args: [
          { name: "git-url", description: "Repository URL to clone", kind: "text", required: true },
          { name: "name", description: "Rig name (default: from the URL)", kind: "flag" },
          { name: "branch", description: "Target branch (default main)", kind: "flag" },
          { name: "merge", description: "Merge policy (default auto)", kind: "flag", choices: ["auto", "approve"] },
          { name: "approvers", description: "Who may approve merges: @roles, @people or channel", kind: "flag" },
        ],
      },
      { name: "list", description: "List the town's rigs", args: [] },
      { name: "show", description: "A rig's settings and quality gates", args: [{ name: "name", description: "Rig name (default: this channel's)", kind: "text" }] },
      {
        name: "set",
        description: "Change a rig's settings",
        args: [
          { name: "name", description: "Rig name", kind: "text", required: true },
          { name: "agent", description: "Agent CLI for its polecats", kind: "flag", choices: ["claude", "opencode", "codex", "kilo"] },
          { name: "max-polecats", description: "Polecats at once (0 pauses dispatch)", kind: "flag" },
          { name: "merge", description: "Merge policy", kind: "flag", choices: ["auto", "approve"] },
          { name: "approvers", description: "Who may approve merges: @roles, @people or channel", kind: "flag" },
          { name: "stale-after", description: "Minutes without a heartbeat before a polecat counts as stalled", kind: "flag" },
          { name: "review", description: "LLM review of every merge before it goes in", kind: "flag", choices: ["off", "llm"] },
        ],
      },
      {
        name: "gate-add",
        description: "Add (or replace) a quality gate every merge runs",
        args: [
          { name: "name", description: "Rig name", kind: "text", required: true },
          { name: "gate", description: "Gate name, e.g. test", kind: "text", required: true },
          { name: "command", description: "The command, as words (no shell), e.g. npm test", kind: "rest", required: true },
          { name: "timeout", description: "Seconds before the gate counts as failed (default 600)", kind: "flag" },
        ],
      },
      {
        name: "gate-remove",
        description: "Remove a quality gate",
        args: [
          { name: "name", description: "Rig name", kind: "text", required: true },
          { name: "gate", description: "Gate name", kind: "text", required: true },
        ],
      },
      { name: "remove", description: "Unbind a rig", args: [{ name: "name", description: "Rig name", kind: "text", required: true }] },
    ],
  },
  {
    name: "sling",
    description: "Create a bead and dispatch a polecat to it",
    args: [
      { name: "title", description: "What needs doing", kind: "text", required: true },
      { name: "priority", description: "Priority (default P2)", kind: "flag", choices: Priority.options },
      { name: "type", description: "Bead type (default task)", kind: "flag", choices: WorkBeadType.options },
      { name: "rig", description: "Rig name (default: this channel's)", kind: "flag" },
    ],
  },
  { name: "status", description: "Town status, or one bead's", args: [bead(false)] },
  { name: "peek", description: "Show an agent's terminal", args: [{ name: "target", description: "Bead or agent id", kind: "text", required: true }] },
  {
    name: "nudge",
    description: "Type a short message into an agent's session",
    args: [
      { name: "target", description: "Bead or agent id", kind: "text", required: true },
      { name: "text", description: "What to say", kind: "text", required: true },
    ],
  },
  { name: "stop", description: "Stop the work on a bead", args: [bead()] },
  { name: "mq", description: "Show the merge queue", args: [{ name: "rig", description: "Only this rig", kind: "flag" }] },
  {
    name: "merge",
    description: "Approve or reject a bead's merge",
    args: [
      bead(),
      { name: "decision", description: "Approve (default) or reject", kind: "switch", choices: ["approve", "reject"] },
      { name: "reason", description: "Why (with reject)", kind: "text" },
    ],
  },
  {
    name: "convoy",
    description: "Track a batch of beads together",
    verbs: [
      {
        name: "create",
        description: "Create a convoy",
        args: [
          { name: "name", description: "Convoy name", kind: "text", required: true },
          { name: "beads", description: "Bead ids separated by spaces", kind: "words", required: true },
        ],
      },
      { name: "status", description: "Convoy status", args: [{ name: "convoy", description: "Convoy id", kind: "text" }] },
      {
        name: "add",
        description: "Add beads to a convoy",
        args: [
          { name: "convoy", description: "Convoy id", kind: "text", required: true },
          { name: "beads", description: "Bead ids separated by spaces", kind: "words", required: true },
        ],
      },
    ],
  },
  { name: "escalations", description: "List open escalations", args: [] },
  {
    name: "escalate",
    description: "Ask people for attention",
    args: [
      severity,
      { name: "title", description: "What is wrong", kind: "text", required: true },
      { name: "body", description: "Details for whoever picks it up", kind: "rest" },
    ],
  },
  { name: "ack", description: "Acknowledge an escalation", args: [{ name: "escalation", description: "Escalation id", kind: "text", required: true }] },
  {
    name: "oncall",
    description: "Who is paged for escalations",
    verbs: [
      {
        name: "set",
        description: "Set the on-call targets for a severity",
        args: [
          severity,
          { name: "user", description: "A person to page", kind: "user" },
          { name: "role", description: "A role to page", kind: "role" },
          { name: "more", description: "More @mentions, separated by spaces", kind: "words" },
          rigFlag,
        ],
      },
      {
        name: "rotate",
        description: "Page shifts in turn",
        args: [
          severity,
          { name: "starts", description: "now, or a date-time with offset: 2026-11-23T09:00+01:00", kind: "text", required: true },
          { name: "every", description: "Shift length: 24h, 7d, weekly", kind: "text", required: true },
          { name: "shifts", description: "@mentions per shift, shifts separated by |", kind: "words", required: true },
          rigFlag,
        ],
      },
      {
        name: "quiet",
        description: "Quiet hours: low and medium pings wait",
        args: [
          { name: "window", description: "22:00-07:00, or off", kind: "text", required: true },
          { name: "timezone", description: "IANA time zone, e.g. Europe/Berlin", kind: "text" },
          rigFlag,
        ],
      },
      { name: "show", description: "Who is on call, rotations and quiet hours", args: [rigFlag] },
    ],
  },
  { name: "mayor", description: "Ask the mayor", args: [{ name: "text", description: "Your question or request", kind: "text", required: true }] },
];

function argOption(a: ArgSpec): APIApplicationCommandBasicOption {
  const base = { name: a.name, description: a.description, required: a.required ?? false };
  if (a.kind === "user") return { ...base, type: ApplicationCommandOptionType.User };
  if (a.kind === "role") return { ...base, type: ApplicationCommandOptionType.Role };
  if (a.choices) return { ...base, type: ApplicationCommandOptionType.String, choices: a.choices.map((c) => ({ name: c, value: c })) };
  return { ...base, type: ApplicationCommandOptionType.String };
}

const verbOption = (v: VerbSpec): APIApplicationCommandSubcommandOption => ({
  type: ApplicationCommandOptionType.Subcommand,
  name: v.name,
  description: v.description,
  options: v.args.map(argOption),
});

/** The body for `PUT /applications/{id}/commands` (bulk overwrite). */
export function commandDefinitions(): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: COMMAND_NAME,
      description: "Run Gastown: sling work, peek at agents, merge, convoys, escalations",
      contexts: [InteractionContextType.Guild],
      options: VERBS.map((v) =>
        "verbs" in v
          ? { type: ApplicationCommandOptionType.SubcommandGroup, name: v.name, description: v.description, options: v.verbs.map(verbOption) }
          : verbOption(v),
      ),
    },
  ];
}

/** A received option: discord.js `CommandInteractionOption` and the raw API shape both fit. */
export interface ReceivedOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: readonly ReceivedOption[];
}

/**
 * Turns the options of a received `/gt` command back into grammar text, e.g.
 * `[sling {title, priority}]` -> `sling fix login --priority P1`. Unknown verbs are passed
 * through by name so the grammar answers them with its usage reply.
 */
export function commandText(options: readonly ReceivedOption[]): string {
  const words: string[] = [];
  let level: readonly ReceivedOption[] = options;
  let specs: readonly (VerbSpec | GroupSpec)[] = VERBS;
  for (;;) {
    const sub = level.find(
      (o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup,
    );
    if (!sub) break;
    words.push(sub.name);
    const spec = specs.find((s) => s.name === sub.name);
    level = sub.options ?? [];
    if (spec && "verbs" in spec) {
      specs = spec.verbs;
      continue;
    }
    words.push(...argWords(level, spec && "args" in spec ? spec.args : []));
    return words.join(" ");
  }
  return words.join(" ");
}

function argWords(given: readonly ReceivedOption[], specs: readonly ArgSpec[]): string[] {
  const out: string[] = [];
  const rest: string[] = [];
  // Declared order is the grammar's order; Discord sends options in the order people typed them.
  const known = specs.map((s) => ({ s, o: given.find((g) => g.name === s.name) }));
  const unknown = given.filter((g) => !specs.some((s) => s.name === g.name)).map((o) => ({ s: undefined, o }));
  for (const { s, o } of [...known, ...unknown]) {
    if (!o || o.value === undefined) continue;
    const value = oneLine(String(o.value));
    if (value === "") continue;
    switch (s?.kind ?? "flag") {
      case "text":
        out.push(quote(value));
        break;
      case "words":
        out.push(value);
        break;
      case "flag":
        out.push(`--${o.name}`, quote(value));
        break;
      case "switch":
        out.push(`--${value}`);
        break;
      case "user":
        out.push(`<@${value}>`);
        break;
      case "role":
        out.push(`<@&${value}>`);
        break;
      case "rest":
        rest.push("--", value);
        break;
    }
  }
  // Everything after `--` is the rest's, so it goes last whatever the declared order
  // (Discord wants required options, like a gate's command, before optional ones).
  return [...out, ...rest];
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** One grammar word: quoted (with `\` escapes, as bot/commands/tokenize.ts reads them) when needed. */
function quote(value: string): string {
  if (!/[\s"'\\\u2018\u2019\u201c\u201d]/.test(value)) return value;
  return `"${value.replace(/[\\"'\u2018\u2019\u201c\u201d]/g, (c) => `\\${c}`)}"`;
}
