import { describe, expect, it } from "vitest";
import { parseCommand } from "./grammar";
import { parseHours, parseStart, splitShifts } from "./oncall-grammar";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const ok = (text: string, platform: "slack" | "discord" = "slack") => {
  const r = parseCommand(text, platform, "/gt ", NOW);
  if (!r.ok) throw new Error(`${text}: ${r.error}`);
  return r.command;
};
const bad = (text: string) => {
  const r = parseCommand(text, "slack", "/gt ", NOW);
  if (r.ok) throw new Error(`${text} parsed as ${JSON.stringify(r.command)}`);
  return r;
};

describe("oncall grammar", () => {
  it("sets targets town-wide, or for one rig with --rig, keeping channel as a target", () => {
    expect(ok("oncall set high <@U1> channel")).toEqual({ cmd: "oncall_set", severity: "high", targets: ["slack:user:U1", "channel"] });
    expect(ok("oncall set LOW <!subteam^S9|@devs> --rig api")).toEqual({ cmd: "oncall_set", severity: "low", targets: ["slack:group:S9"], rig: "api" });
    expect(bad("oncall set high").error).toContain("targets");
    expect(bad("oncall set high <@U1> --rig").error).toContain("--rig needs");
    expect(bad("oncall set high <@U1> --team x").error).toContain("unknown option --team");
  });

  it("reads a rotation: start, shift length and shifts separated by | (a bar inside a Slack mention is not a separator)", () => {
    expect(ok("oncall rotate critical 2026-11-23T09:00+01:00 weekly <@U1|ann> <@U2> | <!subteam^S3|@night>")).toEqual({
      cmd: "oncall_rotate",
      severity: "critical",
      startsAt: Date.parse("2026-11-23T08:00:00Z"),
      everyHours: 168,
      shifts: [["slack:user:U1", "slack:user:U2"], ["slack:group:S3"]],
    });
    expect(ok("oncall rotate high now 12h <@1>|<@&2>|channel --rig web", "discord")).toMatchObject({
      startsAt: NOW,
      everyHours: 12,
      shifts: [["discord:user:1"], ["discord:role:2"], ["channel"]],
      rig: "web",
    });
    expect(bad("oncall rotate high 2026-11-23T09:00 weekly <@U1>").error).toContain("offset");
    expect(bad("oncall rotate high now fortnightly <@U1>").error).toContain("shift length");
    expect(bad("oncall rotate high now 24h <@U1> | | <@U2>").error).toContain("every shift");
    expect(bad("oncall rotate high now 24h <@U1> | bob").error).toContain("mention");
  });

  it("sets and clears quiet hours, and shows", () => {
    expect(ok("oncall quiet 22:00-7:30 Europe/Berlin")).toEqual({ cmd: "oncall_quiet", start: "22:00", end: "07:30", timeZone: "Europe/Berlin" });
    expect(ok("oncall quiet off --rig api")).toEqual({ cmd: "oncall_quiet_off", rig: "api" });
    expect(ok("oncall show")).toEqual({ cmd: "oncall_show" });
    expect(bad("oncall quiet 22:00-07:00").error).toContain("time zone");
    expect(bad("oncall quiet 24:00-07:00 UTC").error).toContain("HH:MM");
    expect(bad("oncall quiet 22:00-07:00 Mars/Base").error).toContain("IANA");
    expect(bad("oncall page everyone").usage).toContain("oncall rotate");
  });

  it("parses shift lengths, starts and shift lists", () => {
    expect([parseHours("24"), parseHours("8h"), parseHours("2d"), parseHours("1w"), parseHours("daily"), parseHours("0"), parseHours("soon")]).toEqual([24, 8, 48, 168, 24, null, null]);
    expect(parseStart("2026-01-01T00:00:00Z", NOW)).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(parseStart("tomorrow", NOW)).toBeNull();
    expect(splitShifts("<@U1|a> b|c")).toEqual([["<@U1|a>", "b"], ["c"]]);
  });
});

describe("rig add with a merge policy", () => {
  it("takes --merge and --approvers (mentions, groups, roles or channel)", () => {
    expect(ok('rig add https://x.test/app.git --merge approve --approvers "<!subteam^S0LEADS|@leads> <@U7>"')).toMatchObject({
      cmd: "rig_add",
      mergePolicy: "approve",
      approvers: ["slack:group:S0LEADS", "slack:user:U7"],
    });
    expect(ok("rig add https://x.test/app.git --approvers <@&42>", "discord")).toMatchObject({ approvers: ["discord:role:42"] });
    expect(bad("rig add https://x.test/app.git --merge sometimes").error).toContain("mergePolicy");
    expect(bad("rig add https://x.test/app.git --approvers bob").error).toContain("approvers");
  });
});

describe("escalate and mq", () => {
  it("keeps an escalation's body as typed after --", () => {
    expect(ok("escalate critical db is down -- replica lag 20 min\nprimary at 100% cpu")).toEqual({
      cmd: "escalate",
      severity: "critical",
      title: "db is down",
      body: "replica lag 20 min\nprimary at 100% cpu",
    });
    expect(ok("escalate low typo --")).toEqual({ cmd: "escalate", severity: "low", title: "typo" });
    expect(ok(`escalate high "a -- b" -- c`)).toMatchObject({ title: "a -- b", body: "c" });
    expect(ok("escalate high don't deploy -- the canary is red")).toMatchObject({ body: "the canary is red" });
    expect(bad("escalate high -- only a body").error).toContain("title");
  });
  it("filters the merge queue by rig", () => {
    expect(ok("mq --rig api")).toEqual({ cmd: "mq_list", rig: "api" });
    expect(ok("mq list --rig=api")).toEqual({ cmd: "mq_list", rig: "api" });
    expect(bad("mq everything").error).toContain("mq takes");
  });
});
