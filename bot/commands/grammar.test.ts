import { describe, expect, it } from "vitest";
import { Command, parseCommand, rigNameFromUrl } from "./grammar";
import { mentionToTarget, targetToMention } from "./mentions";
import { tokenize } from "./tokenize";

const ok = (text: string, platform: "slack" | "discord" | "console" = "slack") => {
  const r = parseCommand(text, platform);
  if (!r.ok) throw new Error(`${text}: ${r.error}`);
  return r.command;
};
const bad = (text: string) => {
  const r = parseCommand(text, "slack");
  if (r.ok) throw new Error(`${text} parsed as ${JSON.stringify(r.command)}`);
  return r;
};

describe("tokenize", () => {
  it("groups quoted words, keeps escapes, and treats smart quotes as quotes", () => {
    expect(tokenize(`sling "fix the login" --priority P1`)).toEqual(["sling", "fix the login", "--priority", "P1"]);
    expect(tokenize("nudge gt-1abc 'don\\'t stop'")).toEqual(["nudge", "gt-1abc", "don't stop"]);
    expect(tokenize("sling \u201csmart quotes\u201d")).toEqual(["sling", "smart quotes"]);
    expect(tokenize(`sling ""`)).toEqual(["sling", ""]);
    expect(tokenize("  a   b  ")).toEqual(["a", "b"]);
    expect(tokenize(`sling "unclosed quote`)).toEqual(["sling", "unclosed quote"]);
  });
});

describe("parseCommand", () => {
  it("parses every command of the grammar", () => {
    expect(ok("help")).toEqual({ cmd: "help" });
    expect(ok("")).toEqual({ cmd: "help" });
    expect(ok("rig add git@github.com:Acme/Web.App.git --branch develop")).toEqual({ cmd: "rig_add", gitUrl: "git@github.com:Acme/Web.App.git", name: "web.app", branch: "develop" });
    expect(ok("rig add https://x.test/a.git --name api")).toMatchObject({ name: "api", branch: "main" });
    expect(ok("rig list")).toEqual({ cmd: "rig_list" });
    expect(ok("rig remove api")).toEqual({ cmd: "rig_remove", name: "api" });
    expect(ok("sling fix the login page --priority p1 --type BUG --rig api")).toEqual({ cmd: "sling", title: "fix the login page", priority: "P1", type: "bug", rig: "api" });
    expect(ok("sling just do it")).toEqual({ cmd: "sling", title: "just do it", priority: "P2", type: "task" });
    expect(ok("status")).toEqual({ cmd: "status" });
    expect(ok("status gt-4k2m")).toEqual({ cmd: "status", bead: "gt-4k2m" });
    expect(ok("peek polecat-api-1")).toEqual({ cmd: "peek", target: "polecat-api-1" });
    expect(ok("nudge gt-4k2m please run the tests")).toEqual({ cmd: "nudge", target: "gt-4k2m", text: "please run the tests" });
    expect(ok("stop gt-4k2m")).toEqual({ cmd: "stop", bead: "gt-4k2m" });
    expect(ok("mq")).toEqual({ cmd: "mq_list" });
    expect(ok("mq list")).toEqual({ cmd: "mq_list" });
    expect(ok("merge gt-4k2m")).toEqual({ cmd: "merge", bead: "gt-4k2m", decision: "approve" });
    expect(ok("merge gt-4k2m --approve")).toEqual({ cmd: "merge", bead: "gt-4k2m", decision: "approve" });
    expect(ok("merge gt-4k2m --reject tests are flaky")).toEqual({ cmd: "merge", bead: "gt-4k2m", decision: "reject", reason: "tests are flaky" });
    expect(ok("merge gt-4k2m --reject")).toEqual({ cmd: "merge", bead: "gt-4k2m", decision: "reject" });
    expect(ok("convoy create release gt-aaa1 gt-bbb2")).toEqual({ cmd: "convoy_create", name: "release", beads: ["gt-aaa1", "gt-bbb2"] });
    expect(ok("convoy status")).toEqual({ cmd: "convoy_status" });
    expect(ok("convoy status gt-cv01")).toEqual({ cmd: "convoy_status", convoy: "gt-cv01" });
    expect(ok("convoy add gt-cv01 gt-ccc3")).toEqual({ cmd: "convoy_add", convoy: "gt-cv01", beads: ["gt-ccc3"] });
    expect(ok("escalations")).toEqual({ cmd: "escalations" });
    expect(ok("escalate HIGH prod is down")).toEqual({ cmd: "escalate", severity: "high", title: "prod is down" });
    expect(ok("ack gt-es01")).toEqual({ cmd: "ack", escalation: "gt-es01" });
    expect(ok("mayor plan the release")).toEqual({ cmd: "mayor", text: "plan the release" });
  });

  it("normalises platform mentions in oncall set to town targets", () => {
    expect(ok("oncall set critical <@U123> <!subteam^S456|@devs>")).toEqual({ cmd: "oncall_set", severity: "critical", targets: ["slack:user:U123", "slack:group:S456"] });
    expect(ok("oncall set high <@&789> <@!42>", "discord")).toEqual({ cmd: "oncall_set", severity: "high", targets: ["discord:role:789", "discord:user:42"] });
    expect(bad("oncall set high bob").error).toContain("mention");
  });

  it("parses rig settings and quality gates; a gate's command stays argv words", () => {
    expect(ok("rig show")).toEqual({ cmd: "rig_show" });
    expect(ok("rig show api")).toEqual({ cmd: "rig_show", name: "api" });
    expect(ok('rig set api --agent opencode --max-polecats 4 --merge APPROVE --approvers "<@U1> <!subteam^S2|@leads>" --stale-after 15')).toEqual({
      cmd: "rig_set",
      name: "api",
      config: { agent: "opencode", maxPolecats: 4, mergePolicy: "approve", approvers: ["slack:user:U1", "slack:group:S2"], staleAfterMin: 15 },
    });
    expect(ok("rig set api --max-polecats 0")).toEqual({ cmd: "rig_set", name: "api", config: { maxPolecats: 0 } });
    expect(ok("rig set api --review LLM")).toEqual({ cmd: "rig_set", name: "api", config: { review: "llm" } });
    expect(bad("rig set api --review maybe").error).toContain("review");
    expect(ok(`rig gate add api test --timeout 120 -- npm test -- --grep "login page"; rm -rf /`)).toEqual({
      cmd: "rig_gate_add",
      name: "api",
      gate: { name: "test", timeoutSec: 120, argv: ["npm", "test", "--", "--grep", "login page;", "rm", "-rf", "/"] },
    });
    expect(ok("rig gate add api lint -- npm run lint")).toEqual({ cmd: "rig_gate_add", name: "api", gate: { name: "lint", timeoutSec: 600, argv: ["npm", "run", "lint"] } });
    expect(ok("rig gate remove api lint")).toEqual({ cmd: "rig_gate_remove", name: "api", gate: "lint" });

    expect(bad("rig set api").error).toContain("at least one setting");
    expect(bad("rig set api --max-polecats many").error).toContain("maxPolecats");
    expect(bad("rig set api --agent vim").error).toContain("agent");
    expect(bad(`rig set api --agent 'command:["sh","-c","curl evil"]'`).error).toContain("Town API");
    expect(bad("rig set api --colour red").error).toContain("--colour");
    expect(bad("rig gate add api test").error).toContain(" -- ");
    expect(bad("rig gate add api test --").error).toContain(" -- ");
    expect(bad("rig gate add api -- npm test").error).toContain("gate name");
    expect(bad("rig gate add api test --timeout 99999 -- npm test").error).toContain("timeoutSec");
    expect(bad("rig gate drop api lint").usage).toContain("rig gate add");
  });

  it("answers malformed commands with that command's usage", () => {
    expect(bad("sling").usage).toContain("/gt sling <title>");
    expect(bad("sling --priority P9 fix").usage).toContain("sling");
    expect(bad("sling fix --colour red").error).toContain("--colour");
    expect(bad("status not-a-bead").error).toContain("bead id");
    expect(bad("merge gt-4k2m --approve --reject").error).toContain("not both");
    expect(bad("rig add ftp://nope").error).toContain("git URL");
    expect(bad("rig destroy").usage).toContain("rig add");
    expect(bad("escalate urgent thing").usage).toContain("escalate");
    expect(bad("convoy create empty").usage).toContain("convoy create");
    const unknown = bad("deploy everything");
    expect(unknown.error).toContain("unknown command");
    expect(unknown.usage).toContain("help");
  });

  it("1,000 random command strings never throw and give either a valid command or a usage reply", () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const words = ["sling", "rig", "add", "list", "status", "peek", "nudge", "merge", "--reject", "--approve", "--priority", "P1", "P7", "convoy", "create", "gt-4k2m", "'", '"', "\\", "<@U1>", "<!subteam^S1>", "oncall", "set", "high", "", "--", "--type", "bug", "ack", "mq", "escalate", "💥", "\u0000", "mayor", "https://x.test/r.git"];
    for (let i = 0; i < 1000; i++) {
      const n = Math.floor(rnd() * 8);
      const text = Array.from({ length: n }, () => (rnd() < 0.85 ? words[Math.floor(rnd() * words.length)] : String.fromCharCode(Math.floor(rnd() * 0x2fff)))).join(rnd() < 0.5 ? " " : "");
      const r = parseCommand(text, "slack");
      if (r.ok) expect(Command.safeParse(r.command).success).toBe(true);
      else expect(r.usage.length).toBeGreaterThan(0);
    }
  });
});

describe("mentions", () => {
  it("round-trips platform mentions and leaves other platforms' targets alone", () => {
    expect(mentionToTarget("slack", "<@U1|bob>")).toBe("slack:user:U1");
    expect(mentionToTarget("slack", "plain")).toBeNull();
    expect(targetToMention("slack", "slack:group:S1")).toBe("group:S1");
    expect(targetToMention("slack", "discord:role:1")).toBeNull();
  });
  it("derives safe rig names from git URLs", () => {
    expect(rigNameFromUrl("https://github.com/acme/My Repo.git/")).toBe("my-repo");
    expect(rigNameFromUrl("/srv/git/app")).toBe("app");
  });
});
