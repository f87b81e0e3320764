import { ApplicationCommandOptionType as T } from "discord.js";
import { describe, expect, it } from "vitest";
import { parseCommand, USAGE } from "../commands/grammar";
import { commandDefinitions, commandText, type ReceivedOption } from "./commands";

interface Opt {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  options?: Opt[];
}

function walk(opts: Opt[], visit: (o: Opt, siblings: Opt[]) => void) {
  for (const o of opts) {
    visit(o, opts);
    if (o.options) walk(o.options, visit);
  }
}

describe("commandDefinitions", () => {
  it("declares one /gt command that Discord would accept", () => {
    const defs = commandDefinitions();
    expect(defs).toHaveLength(1);
    const gt = defs[0] as unknown as Opt;
    expect(gt.name).toBe("gt");
    expect(gt.options?.length ?? 0).toBeLessThanOrEqual(25);
    walk(gt.options ?? [], (o, siblings) => {
      expect(o.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      expect(o.description.length).toBeGreaterThan(0);
      expect(o.description.length).toBeLessThanOrEqual(100);
      expect(siblings.length).toBeLessThanOrEqual(25);
      // Discord rejects a required option after an optional one.
      const req = siblings.filter((s) => s.type !== T.Subcommand && s.type !== T.SubcommandGroup).map((s) => s.required === true);
      expect(req.indexOf(false) === -1 || req.lastIndexOf(true) < req.indexOf(false)).toBe(true);
    });
  });

  it("has a subcommand for every verb of the grammar", () => {
    const gt = commandDefinitions()[0] as unknown as Opt;
    const names = (gt.options ?? []).map((o) => o.name);
    // One subcommand per command word of the grammar, so nothing typed elsewhere is missing here.
    expect(names.sort()).toEqual(Object.keys(USAGE).sort());
  });
});

const sub = (name: string, options: ReceivedOption[] = []): ReceivedOption => ({ name, type: T.Subcommand, options });
const str = (name: string, value: string): ReceivedOption => ({ name, type: T.String, value });

describe("commandText", () => {
  it("writes flags after the title, in the grammar's order whatever order they were typed", () => {
    const text = commandText([sub("sling", [str("type", "bug"), str("title", "fix login\nflow"), str("priority", "P1")])]);
    expect(text).toBe('sling "fix login flow" --priority P1 --type bug');
    const parsed = parseCommand(text, "discord");
    expect(parsed).toMatchObject({ ok: true, command: { cmd: "sling", title: "fix login flow", priority: "P1", type: "bug" } });
  });

  it("keeps quotes, backslashes and dashes in free text intact through the grammar", () => {
    const title = `say "hi" it's a \\path --priority P0`;
    const parsed = parseCommand(commandText([sub("sling", [str("title", title)])]), "discord");
    expect(parsed).toMatchObject({ ok: true, command: { cmd: "sling", title, priority: "P2" } });
    const nudge = parseCommand(commandText([sub("nudge", [str("target", "gt-4k2m"), str("text", "don't stop")])]), "discord");
    expect(nudge).toMatchObject({ ok: true, command: { cmd: "nudge", target: "gt-4k2m", text: "don't stop" } });
  });

  it("walks subcommand groups", () => {
    const opts: ReceivedOption[] = [
      { name: "rig", type: T.SubcommandGroup, options: [sub("add", [str("git-url", "https://example.com/r.git"), str("branch", "dev")])] },
    ];
    expect(commandText(opts)).toBe("rig add https://example.com/r.git --branch dev");
    expect(parseCommand(commandText(opts), "discord")).toMatchObject({ ok: true, command: { cmd: "rig_add", name: "r", branch: "dev" } });
    const gate = [
      { name: "rig", type: T.SubcommandGroup, options: [sub("gate-add", [str("command", 'npm test -- --grep "a b"'), str("timeout", "90"), str("gate", "test"), str("name", "r")])] },
    ];
    expect(commandText(gate)).toBe('rig gate-add r test --timeout 90 -- npm test -- --grep "a b"');
    expect(parseCommand(commandText(gate), "discord")).toMatchObject({
      ok: true,
      command: { cmd: "rig_gate_add", name: "r", gate: { name: "test", timeoutSec: 90, argv: ["npm", "test", "--", "--grep", "a b"] } },
    });
    const remove = [{ name: "rig", type: T.SubcommandGroup, options: [sub("gate-remove", [str("name", "r"), str("gate", "test")])] }];
    expect(parseCommand(commandText(remove), "discord")).toMatchObject({ ok: true, command: { cmd: "rig_gate_remove", name: "r", gate: "test" } });
  });

  it("turns a decision choice into a switch and people into mentions", () => {
    expect(commandText([sub("merge", [str("bead", "gt-4k2m"), str("decision", "approve")])])).toBe("merge gt-4k2m --approve");
    const oncall: ReceivedOption[] = [
      { name: "oncall", type: T.SubcommandGroup, options: [sub("set", [str("severity", "high"), { name: "role", type: T.Role, value: "77" }])] },
    ];
    expect(commandText(oncall)).toBe("oncall set high <@&77>");
    expect(parseCommand(commandText(oncall), "discord")).toMatchObject({ ok: true, command: { targets: ["discord:role:77"] } });
    const reject = [sub("merge", [str("bead", "gt-4k2m"), str("decision", "reject"), str("reason", "tests fail")])];
    expect(parseCommand(commandText(reject), "discord")).toMatchObject({ ok: true, command: { decision: "reject", reason: "tests fail" } });
    const convoy: ReceivedOption[] = [
      { name: "convoy", type: T.SubcommandGroup, options: [sub("create", [str("name", "launch"), str("beads", "gt-aaa1 gt-bbb2")])] },
    ];
    expect(parseCommand(commandText(convoy), "discord")).toMatchObject({ ok: true, command: { beads: ["gt-aaa1", "gt-bbb2"] } });
  });

  it("every oncall subcommand's text parses with the grammar (set, rotate, quiet, show) and escalate carries its body", () => {
    const group = (verb: string, options: ReceivedOption[]): ReceivedOption[] => [{ name: "oncall", type: T.SubcommandGroup, options: [sub(verb, options)] }];
    const gt = commandDefinitions()[0] as unknown as Opt;
    const verbs = (gt.options ?? []).find((o) => o.name === "oncall")?.options?.map((o) => o.name);
    expect(verbs).toEqual(["set", "rotate", "quiet", "show"]);
    const cases: [ReceivedOption[], string][] = [
      [group("set", [str("severity", "low"), { name: "user", type: T.User, value: "5" }, str("rig", "api")]), "oncall_set"],
      [group("rotate", [str("severity", "high"), str("starts", "now"), str("every", "weekly"), str("shifts", "<@1> | <@&2>")]), "oncall_rotate"],
      [group("quiet", [str("window", "22:00-07:00"), str("timezone", "Europe/Berlin")]), "oncall_quiet"],
      [group("quiet", [str("window", "off")]), "oncall_quiet_off"],
      [group("show", []), "oncall_show"],
    ];
    for (const [opts, cmd] of cases) expect(parseCommand(commandText(opts), "discord")).toMatchObject({ ok: true, command: { cmd } });
    const esc = commandText([sub("escalate", [str("severity", "high"), str("title", "prod -- down"), str("body", "see the dashboard")])]);
    expect(parseCommand(esc, "discord")).toMatchObject({ ok: true, command: { title: "prod -- down", body: "see the dashboard" } });
  });

  it("passes verbs without options through", () => {
    expect(commandText([sub("help")])).toBe("help");
    expect(commandText([sub("mq")])).toBe("mq");
  });
});
