import { makeTempOrigin, type TempOrigin } from "../../container/git/test-repos";
import { type ModelRouter, type RoutedScript, startModelRouter } from "../fakes/model-router";
import { FakeSlackApi } from "../fakes/slack-api";
import { postSigned } from "../fakes/slack-sign";
import { type LocalTown, startLocalTown } from "./local-town";

/**
 * The running town (npm start's processes) wired to a fake Slack Web API, with a temp git
 * origin for one rig and a scripted model router answering the polecats (real Claude Code).
 */
export interface SlackTown {
  origin: TempOrigin;
  model: ModelRouter;
  slack: FakeSlackApi;
  town: LocalTown;
  /** POST a body to the bot's /slack/events, signed with the town's secret. */
  send(body: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function startSlackTown(opts: {
  rig: string;
  teamId: string;
  secret: string;
  scripts: RoutedScript[];
  env?: Record<string, string>;
  /** Set up the fake Slack before the bot connects (user groups, ...). */
  prepare?: (slack: FakeSlackApi) => void;
}): Promise<SlackTown> {
  const origin = makeTempOrigin(opts.rig);
  const slack = await new FakeSlackApi({ teamId: opts.teamId }).start();
  opts.prepare?.(slack);
  const model = await startModelRouter(opts.scripts);
  const town = await startLocalTown({
    env: {
      ...origin.env,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: opts.secret,
      SLACK_API_URL: slack.url,
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: "sk-ant-e2e-0123456789abcdefghijklmn",
      GASTOWN_MODEL: "claude-sonnet-4-5",
      ...opts.env,
    },
  });
  return {
    origin,
    model,
    slack,
    town,
    send: (body) => postSigned(`${town.botUrl}/slack/events`, opts.secret, body),
    async stop() {
      await town.stop();
      await model.close();
      await slack.stop();
      origin.cleanup();
    },
  };
}
