import { afterEach, describe, expect, it } from "vitest";
import { startBot, type RunningBot } from "../bot/bot";
import { parseBotConfig } from "../bot/config";
import { silentLogger } from "../core/logger";
import { FakeSlackApi } from "./fakes/slack-api";
import { SIGNING_SECRET, until } from "./fakes/slack-harness";
import { postSigned, slashCommandBody } from "./fakes/slack-sign";
import { FakeTownApi } from "./fakes/town-api";

describe("bot composition root with Slack tokens", () => {
  let bot: RunningBot | undefined;
  let slack: FakeSlackApi;
  let town: FakeTownApi;
  afterEach(async () => {
    await bot?.stop();
    await slack.stop();
    await town.stop();
  });

  it("serves /slack/events for the town slack:<team_id> found by auth.test", async () => {
    slack = await new FakeSlackApi({ teamId: "T0MAIN" }).start();
    town = await new FakeTownApi().start();
    const config = parseBotConfig({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      GASTOWN_WORKER_URL: town.url,
      GASTOWN_API_TOKEN: town.token,
      BOT_PORT: "0",
    });
    bot = await startBot(config, { logger: silentLogger });
    expect(bot.links.map((l) => l.town.town)).toEqual(["slack:T0MAIN"]);
    const health = await fetch(`${bot.url}/health`);
    expect(await health.json()).toMatchObject({ ok: true, slack: true, discord: false });
    const res = await postSigned(`${bot.url}/slack/events`, SIGNING_SECRET, slashCommandBody({ text: "rig list", teamId: "T0MAIN" }));
    expect(res.status).toBe(200);
    await until(() => slack.messages.some((m) => m.ephemeral && m.text.includes("No rigs yet")), "rig list reply");
  });

  it("refuses to start with a Slack token the Web API rejects", async () => {
    slack = await new FakeSlackApi().start();
    town = await new FakeTownApi().start();
    const config = parseBotConfig({ SLACK_BOT_TOKEN: "xoxb-wrong", SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, GASTOWN_WORKER_URL: town.url, BOT_PORT: "0" });
    await expect(startBot(config, { logger: silentLogger })).rejects.toThrow(/auth.test failed/);
  });
});
