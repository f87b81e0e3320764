import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotHttpServer } from "../bot/http-server";
import { createSlackAdapter } from "../bot/slack/slack-adapter";
import { linkTown, type TownLink } from "../bot/town-link";
import { silentLogger } from "../core/logger";
import { FakeSlackApi } from "./fakes/slack-api";
import { until } from "./fakes/slack-harness";
import { eventBody, postSigned, slashCommandBody } from "./fakes/slack-sign";

/**
 * The Slack scenario against a REAL Worker (wrangler dev): set GASTOWN_TEST_WORKER_URL and
 * GASTOWN_TEST_API_TOKEN (e.g. `wrangler dev --var GASTOWN_API_TOKEN:tok --var GASTOWN_RUNTIME:fake`).
 * Skipped otherwise; the same flows run against the fake town in slack-bot.test.ts.
 */
const workerUrl = process.env.GASTOWN_TEST_WORKER_URL;
const token = process.env.GASTOWN_TEST_API_TOKEN;

describe.skipIf(!workerUrl || !token)("Slack bot against the real Worker", () => {
  let slack: FakeSlackApi;
  let link: TownLink;
  let http: Awaited<ReturnType<typeof startBotHttpServer>>;
  const CH = "C0REAL";
  const send = (body: string) => postSigned(`${http.url}/slack/events`, "secret", body);

  beforeAll(async () => {
    // A fresh town per run: the team id is the town.
    slack = await new FakeSlackApi({ teamId: `T${Date.now().toString(36).toUpperCase()}` }).start();
    const adapter = createSlackAdapter({ botToken: slack.token, signingSecret: "secret", apiUrl: slack.url, logger: silentLogger, postIntervalMs: 0 });
    link = await linkTown({ adapter, workerUrl: workerUrl as string, token: token as string, town: `slack:${slack.teamId}`, logger: silentLogger });
    http = await startBotHttpServer({ slack: adapter.requestListener }, "127.0.0.1", 0);
  });
  afterAll(async () => {
    await link?.stop();
    await http?.close();
    await slack?.stop();
  });

  it("rig add, sling (one card, edited), a thread reply as mail, a mention to the mayor", async () => {
    await send(slashCommandBody({ text: "rig add https://github.com/acme/app.git", channelId: CH, teamId: slack.teamId }));
    await until(() => slack.posts().some((m) => m.text.includes("Rig `app`")), "rig bound");
    await send(slashCommandBody({ text: "sling fix the login --priority P1", channelId: CH, teamId: slack.teamId }));
    await until(() => slack.posts().some((m) => m.text.includes("fix the login") && m.edits > 0), "card posted and edited", 20_000);
    const cards = slack.posts().filter((m) => m.text.includes("fix the login") && !m.threadTs);
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    await send(eventBody({ type: "message", channel: CH, user: "U2", text: "also Safari please", ts: "1900000000.000002", thread_ts: card.ts }, "EvREAL1", slack.teamId));
    await until(() => slack.messages.some((m) => m.ephemeral && m.text.includes("as mail")), "mail confirmed");
    await send(eventBody({ type: "app_mention", channel: CH, user: "U2", text: "<@UBOT> hello mayor", ts: "1900000000.000003" }, "EvREAL2", slack.teamId));
    await until(() => slack.posts("1900000000.000003").length > 0, "mayor answered in the mention's thread", 20_000);
  });
});
