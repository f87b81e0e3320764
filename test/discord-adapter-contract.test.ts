import { chatAdapterContract } from "../bot/chat-adapter-contract";
import { createDiscordAdapter } from "../bot/discord/discord-adapter";
import { silentLogger } from "../core/logger";
import { FakeDiscord } from "./fakes/discord/fake-discord";
import type { FakeMessage } from "./fakes/discord/fake-store";

chatAdapterContract("discord (real discord.js REST client against the fake Discord)", async () => {
  const fake = await FakeDiscord.start();
  // REST only: the contract is about what the adapter posts, not what it hears.
  const adapter = createDiscordAdapter({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, logger: silentLogger, gateway: false });
  await adapter.start(async () => {});
  const show = (m: FakeMessage) => `${m.content}\n${JSON.stringify(m.embeds)}`;
  return {
    adapter,
    channelId: fake.channelId,
    read: async (ref) => {
      const m = fake.store.messages.get(ref.messageId);
      return m && m.channel_id === (ref.threadId ?? ref.channelId) ? { text: show(m), edits: m.edits } : null;
    },
    // A Discord thread is a channel of its own; its messages are not in the parent's list.
    list: async (t) => [...fake.store.messages.values()].filter((m) => m.channel_id === (t.threadId ?? t.channelId)).map((m) => ({ messageId: m.id, text: show(m) })),
    remove: async (ref) => fake.deleteMessage(ref.messageId),
    close: async () => {
      await adapter.stop();
      await fake.close();
    },
  };
});
