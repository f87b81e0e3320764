import { silentLogger } from "../../core/logger";
import type { Logger } from "../../core/ports";
import { startBotHttpServer } from "../../bot/http-server";
import { createSlackAdapter, type SlackAdapter } from "../../bot/slack/slack-adapter";
import { linkTown, type TownLink } from "../../bot/town-link";
import { FakeSlackApi } from "./slack-api";
import { postSigned } from "./slack-sign";
import { FakeTownApi } from "./town-api";

export const SIGNING_SECRET = "test-signing-secret";

/** The real bot (Bolt + Web API client + router + projector + stream) between the two fakes. */
export interface SlackHarness {
  slack: FakeSlackApi;
  town: FakeTownApi;
  adapter: SlackAdapter;
  link: TownLink;
  eventsUrl: string;
  /** POST a signed body to the bot's /slack/events. */
  send(body: string, opts?: Parameters<typeof postSigned>[3]): Promise<Response>;
  /** Restart the bot process part (adapter + link) against the same fakes. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSlackHarness(opts: { logger?: Logger; snapshotPng?: (t: { text: string; ansi: string }) => Uint8Array; slack?: FakeSlackApi; town?: FakeTownApi } = {}): Promise<SlackHarness> {
  const slack = opts.slack ?? (await new FakeSlackApi().start());
  const town = opts.town ?? (await new FakeTownApi().start());
  const logger = opts.logger ?? silentLogger;
  const make = async () => {
    const adapter = createSlackAdapter({
      botToken: slack.token,
      signingSecret: SIGNING_SECRET,
      apiUrl: slack.url,
      logger,
      postIntervalMs: 0,
      retryConfig: { retries: 5, factor: 1, minTimeout: 10, maxTimeout: 20 },
    });
    const link = await linkTown({
      adapter,
      workerUrl: town.url,
      token: town.token,
      town: `slack:${slack.teamId}`,
      logger,
      backoff: { initialMs: 20, maxMs: 200 },
      retryDelayMs: () => 10,
      ...(opts.snapshotPng ? { snapshotPng: opts.snapshotPng } : {}),
    });
    const http = await startBotHttpServer({ slack: adapter.requestListener }, "127.0.0.1", 0);
    return { adapter, link, http };
  };
  let cur = await make();
  const h: SlackHarness = {
    slack,
    town,
    get adapter() {
      return cur.adapter;
    },
    get link() {
      return cur.link;
    },
    get eventsUrl() {
      return `${cur.http.url}/slack/events`;
    },
    send: (body, o) => postSigned(`${cur.http.url}/slack/events`, SIGNING_SECRET, body, o),
    async restart() {
      await cur.link.stop();
      await cur.http.close();
      cur = await make();
    },
    async stop() {
      await cur.link.stop();
      await cur.http.close();
      await slack.stop();
      await town.stop();
    },
  };
  return h;
}

/** Wait until `pred` holds, polling; throws with `what` after `timeoutMs`. */
export async function until(pred: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
