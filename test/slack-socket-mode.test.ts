import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger";
import { createSlackAdapter } from "../bot/slack/slack-adapter";
import { linkTown, type TownLink } from "../bot/town-link";
import { FakeSlackApi } from "./fakes/slack-api";
import { until } from "./fakes/slack-harness";
import { FakeTownApi } from "./fakes/town-api";

describe("Slack in Socket Mode (SLACK_APP_TOKEN set)", () => {
  let slack: FakeSlackApi;
  let town: FakeTownApi;
  let link: TownLink | undefined;
  afterEach(async () => {
    await link?.stop();
    await slack.stop();
    await town.stop();
  });

  it("connects through apps.connections.open at SLACK_API_URL, acks the envelope and runs the command", async () => {
    slack = await new FakeSlackApi().start();
    town = await new FakeTownApi().start();
    const adapter = createSlackAdapter({ botToken: slack.token, appToken: slack.appToken, apiUrl: slack.url, logger: silentLogger, postIntervalMs: 0 });
    expect(adapter.requestListener).toBeUndefined();
    link = await linkTown({ adapter, workerUrl: town.url, token: town.token, town: `slack:${slack.teamId}`, logger: silentLogger });
    await until(() => slack.socketCount === 1, "socket connected");
    expect(slack.handled("apps.connections.open")).toHaveLength(1);
    const held = town.hold("POST", /^\/rigs$/);
    slack.sendEnvelope(
      "slash_commands",
      { token: "x", team_id: slack.teamId, channel_id: "C0SOCK", user_id: "U0ALICE", user_name: "alice", command: "/gt", text: "rig add https://github.com/acme/sock.git", trigger_id: "trig.sock", api_app_id: "A0APP" },
      "env-1",
    );
    // The envelope is acknowledged while the town still holds the request.
    await until(() => slack.socketAcks.includes("env-1"), "envelope acked");
    await held.reached;
    held.release();
    await until(() => town.channels.some((c) => c.channelId === "C0SOCK"), "channel bound");
    await until(() => slack.posts().some((m) => m.text.includes("Rig `sock`")), "reply posted");
  });
});
