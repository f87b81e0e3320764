import { describe, expect, it } from "vitest";
import { enabledPlatforms, parseBotConfig, parseDotEnv } from "./config";

describe("bot config", () => {
  it("defaults to the local town with the console chat", () => {
    const c = parseBotConfig({});
    expect(c).toMatchObject({ SLACK_API_URL: "https://slack.com/api/", GASTOWN_WORKER_URL: "http://127.0.0.1:8787", BOT_PORT: 3000 });
    expect(enabledPlatforms(c)).toEqual({ slack: false, discord: false, console: true });
  });
  it("turns Slack on with a bot token and a signing secret (or an app token); empty values count as unset", () => {
    expect(enabledPlatforms(parseBotConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" })).slack).toBe(true);
    expect(enabledPlatforms(parseBotConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" })).slack).toBe(true);
    expect(enabledPlatforms(parseBotConfig({ SLACK_BOT_TOKEN: "", SLACK_SIGNING_SECRET: "s" })).slack).toBe(false);
  });
  it("refuses bad values with a clear message", () => {
    expect(() => parseBotConfig({ BOT_PORT: "eighty" })).toThrow(/BOT_PORT/);
    expect(() => parseBotConfig({ GASTOWN_TOWN: "nope" })).toThrow(/GASTOWN_TOWN/);
  });
  it("reads .env lines, quotes and comments", () => {
    expect(parseDotEnv("# c\nA=1\nexport B='two words'\nC=\"x=y\"\n bad line")).toEqual({ A: "1", B: "two words", C: "x=y" });
  });
});
