import { chatAdapterContract } from "../bot/chat-adapter-contract";
import { createSlackAdapter } from "../bot/slack/slack-adapter";
import { silentLogger } from "../core/logger";
import { FakeSlackApi } from "./fakes/slack-api";

chatAdapterContract("slack (real Web API client against the fake Slack)", async () => {
  const slack = await new FakeSlackApi().start();
  const adapter = createSlackAdapter({ botToken: slack.token, signingSecret: "s", apiUrl: slack.url, logger: silentLogger, postIntervalMs: 0 });
  const show = (m: { text: string; blocks: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks)}`;
  return {
    adapter,
    channelId: "C0CONTRACT",
    read: async (ref) => {
      const m = slack.posts().find((x) => x.channel === ref.channelId && x.ts === ref.messageId);
      return m ? { text: show(m), edits: m.edits } : null;
    },
    list: async (t) => slack.posts().filter((m) => m.channel === t.channelId && m.threadTs === t.threadId).map((m) => ({ messageId: m.ts, text: show(m) })),
    remove: async (ref) => {
      const i = slack.messages.findIndex((m) => m.channel === ref.channelId && m.ts === ref.messageId);
      if (i >= 0) slack.messages.splice(i, 1);
    },
    close: async () => {
      await adapter.stop();
      await slack.stop();
    },
  };
});
