import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type RESTPutAPIApplicationCommandsJSONBody,
} from "discord.js";

/**
 * The `/gt` command as Discord sees it: one command whose subcommands (and subcommand groups)
 * mirror the grammar in DESIGN §4, so Discord shows each verb with typed, described options.
 * The same table turns a received command back into grammar text (`sling fix login
 * --priority P1`), so registration and parsing cannot drift apart.
 */
export const COMMAND_NAME = "gt";

/** How an option becomes grammar text. */
type ArgKind =
  /** the value as one or more words, in place */
  | "text"
  /** `--<name> <value>` */
  | "flag"
  /** `--<value>` (a choice that selects a switch, e.g. approve|reject) */
  | "switch"
  /** a Discord user, written as its mention `<@id>` */
  | "user"
  /** a Discord role, written as its mention `<@&id>` */
  | "role";

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

const PRIORITIES = ["P0", "P1", "P2", "P3", "P4"] as const;
const TYPES = ["task", "bug", "feature", "epic", "chore"] as const;
const SEVERITIES = ["low", "medium", "high", "critical"] as const;

const bead = (description = "Bead id, e.g. gt-4k2m"): ArgSpec => ({ name: "bead", description, kind: "text", required: true });

/** Top-level verbs, in the order of DESIGN §4. */
export const VERBS: readonly (VerbSpec | GroupSpec)[] = [
  { name: "help", description: "Show what Gastown can do", args: [] },
  {
    name: "rig",
    description: "Bind this channel to a git repository",
    verbs: [
      {
        name: "add",
        description: "Bind this channel to a repository",
        args: [
          { name: "git-url", description: "Repository URL to clone", kind: "text", required: true },
          { name: "branch", description: "Target branch (default main)", kind: "flag" },
        ],
      },
      { name: "list", description: "List the town's rigs", args: [] },
      { name: "remove", description: "Unbind a rig (default: this channel's)", args: [{ name: "rig", description: "Rig name", kind: "text" }] },
    ],
  },
  {
    name: "sling",
    description: "Create a bead and dispatch a polecat to it",
    args: [
      { name: "title", description: "What needs doing", kind: "text", required: true },
      { name: "priority", description: "Priority", kind: "flag", choices: PRIORITIES },
      { name: "type", description: "Bead type", kind: "flag", choices: TYPES },
    ],
  },
  { name: "status", description: "Town status, or one bead's", args: [{ ...bead(), required: false }] },
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
  { name: "mq", description: "Show the merge queue", args: [] },
  {
    name: "merge",
    description: "Merge a bead's branch, or decide on it",
    args: [bead(), { name: "decision", description: "Approve or reject", kind: "switch", choices: ["approve", "reject"] }],
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
          { name: "beads", description: "Bead ids separated by spaces", kind: "text", required: true },
        ],
      },
      { name: "status", description: "Convoy status", args: [{ name: "convoy", description: "Convoy id", kind: "text" }] },
      {
        name: "add",
        description: "Add beads to a convoy",
        args: [
          { name: "convoy", description: "Convoy id", kind: "text", required: true },
          { name: "beads", description: "Bead ids separated by spaces", kind: "text", required: true },
        ],
      },
    ],
  },
  { name: "escalations", description: "List open escalations", args: [] },
  { name: "ack", description: "Acknowledge an escalation", args: [{ name: "escalation", description: "Escalation id", kind: "text", required: true }] },
  {
    name: "oncall",
    description: "Who is paged for escalations",
    verbs: [
      {
        name: "set",
        description: "Set the on-call target for a severity",
        args: [
          { name: "severity", description: "Severity", kind: "text", required: true, choices: SEVERITIES },
          { name: "user", description: "A person to page", kind: "user" },
          { name: "role", description: "A role to page", kind: "role" },
        ],
      },
    ],
  },
];

const OPTION_TYPE: Record<ArgKind, ApplicationCommandOptionType.String | ApplicationCommandOptionType.User | ApplicationCommandOptionType.Role> = {
  text: ApplicationCommandOptionType.String,
  flag: ApplicationCommandOptionType.String,
  switch: ApplicationCommandOptionType.String,
  user: ApplicationCommandOptionType.User,
  role: ApplicationCommandOptionType.Role,
};

function argOption(a: ArgSpec) {
  return {
    type: OPTION_TYPE[a.kind],
    name: a.name,
    description: a.description,
    required: a.required ?? false,
    ...(a.choices ? { choices: a.choices.map((c) => ({ name: c, value: c })) } : {}),
  };
}

const verbOption = (v: VerbSpec) => ({
  type: ApplicationCommandOptionType.Subcommand as const,
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
  // Declared order is the grammar's order; Discord sends options in the order people typed them.
  const known = specs.map((s) => ({ s, o: given.find((g) => g.name === s.name) }));
  const unknown = given.filter((g) => !specs.some((s) => s.name === g.name)).map((o) => ({ s: undefined, o }));
  for (const { s, o } of [...known, ...unknown]) {
    if (!o || o.value === undefined) continue;
    const value = oneLine(String(o.value));
    if (value === "") continue;
    switch (s?.kind ?? "flag") {
      case "text":
        out.push(value);
        break;
      case "flag":
        out.push(`--${o.name}`, value);
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
    }
  }
  return out;
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
