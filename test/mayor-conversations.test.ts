import { afterEach, describe, expect, it } from "vitest";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord-harness";
import type { FakeUser } from "./fakes/discord/payloads";
import { type SlackHarness, startSlackHarness, until } from "./fakes/slack-harness";
import { eventBody, slashCommandBody } from "./fakes/slack-sign";
import type { TownCall } from "./fakes/town-api";

/**
 * Where a mayor conversation lives, through the real bots (Bolt / discord.js) against the fake
 * Slack and Discord and the fake town (whose mayor answers each message with three
 * `mayor_reply` events: "looking at the town…", then text, then the final text): a DM, a
 * mention outside a bead thread and `/gt mayor` each get a thread; a follow-up in that thread
 * goes to the same thread (the town keys conversations by thread); the reply is one message
 * that shows the working state first and loses it at the end.
 */

const mayorCalls = (calls: TownCall[]) => calls.map((c) => c.body as { text: string; channelId: string; threadId: string; platform: string });

describe("mayor conversations on Slack", () => {
  let h: SlackHarness;
  afterEach(async () => {
    await h.stop();
  });

  it("a DM, a mention and `/gt mayor` each start a conversation in a thread, and follow-ups there continue it", async () => {
    h = await startSlackHarness();
    h.town.mayorEnabled = true;
    const mayor = () => mayorCalls(h.town.callsTo("POST", /^\/mayor$/));

    // A DM: the conversation is the thread under the DM; a reply in it continues it.
    await h.send(eventBody({ type: "message", channel: "D0DM", channel_type: "im", user: "U0ALICE", text: "what is open?", ts: "1800000000.000100" }, "EvDM1"));
    await until(() => mayor().length === 1, "DM handed to the mayor");
    expect(mayor()[0]).toMatchObject({ platform: "slack", channelId: "D0DM", threadId: "1800000000.000100", text: "what is open?" });
    await h.send(eventBody({ type: "message", channel: "D0DM", channel_type: "im", user: "U0ALICE", text: "and what is closed?", ts: "1800000000.000200", thread_ts: "1800000000.000100" }, "EvDM2"));
    await until(() => mayor().length === 2, "DM follow-up handed to the mayor");
    expect(mayor()[1]).toMatchObject({ channelId: "D0DM", threadId: "1800000000.000100", text: "and what is closed?" });

    // A mention in a channel: the thread under the mention; a mention in that thread continues it.
    await h.send(eventBody({ type: "app_mention", channel: "C0GEN", user: "U0BOB", text: "<@UBOT> plan the release", ts: "1800000000.000300" }, "EvM1"));
    await until(() => mayor().length === 3, "mention handed to the mayor");
    await h.send(eventBody({ type: "app_mention", channel: "C0GEN", user: "U0BOB", text: "<@UBOT> how is it going?", ts: "1800000000.000400", thread_ts: "1800000000.000300" }, "EvM2"));
    await until(() => mayor().length === 4, "follow-up mention handed to the mayor");
    expect(mayor().slice(2)).toMatchObject([
      { channelId: "C0GEN", threadId: "1800000000.000300", text: "plan the release" },
      { channelId: "C0GEN", threadId: "1800000000.000300", text: "how is it going?" },
    ]);

    // A plain reply (no mention) in the mayor's thread continues the conversation too;
    // plain chatter in a thread the mayor is not in stays ignored.
    await h.send(eventBody({ type: "message", channel: "C0GEN", user: "U0BOB", text: "and the changelog?", ts: "1800000000.000500", thread_ts: "1800000000.000300" }, "EvM3"));
    await until(() => mayor().length === 5, "plain follow-up handed to the mayor");
    expect(mayor()[4]).toMatchObject({ channelId: "C0GEN", threadId: "1800000000.000300", text: "and the changelog?" });
    await h.send(eventBody({ type: "message", channel: "C0GEN", user: "U0BOB", text: "lunch?", ts: "1800000000.000700", thread_ts: "1800000000.000600" }, "EvM4"));
    await until(() => h.town.callsTo("GET", /^\/mayor\/conversations\?.*1800000000\.000600/).length === 1, "thread looked up");
    expect(mayor()).toHaveLength(5);

    // `/gt mayor` in a channel: a root message holds the thread.
    await h.send(slashCommandBody({ text: "mayor bump the SDK", channelId: "C0GEN", userName: "carol" }));
    await until(() => mayor().length === 6, "/gt mayor handed to the mayor");
    const root = h.slack.posts().find((m) => m.text.includes("carol asked the mayor: bump the SDK"))!;
    expect(root.threadTs).toBeUndefined();
    expect(mayor()[5]).toMatchObject({ channelId: "C0GEN", threadId: root.ts, text: "bump the SDK" });

    // Each turn is one message in its thread: posted showing the working state, edited to the answer.
    await until(() => h.town.acks.length >= 18, "all mayor replies projected");
    for (const thread of ["1800000000.000100", "1800000000.000300", root.ts]) {
      const replies = h.slack.posts(thread).filter((m) => m.text.includes("beads are open") || m.text.includes("looking at the town"));
      expect(replies.length).toBe(thread === root.ts ? 1 : thread === "1800000000.000300" ? 3 : 2);
      for (const r of replies) {
        expect(r.text).toBe("Two beads are open. Both are on track.");
        expect(r.edits).toBeGreaterThanOrEqual(1);
      }
    }
    const firstPost = h.slack.calls.find((c) => c.method === "chat.postMessage" && c.args.thread_ts === "1800000000.000100");
    expect(String(firstPost?.args.text)).toContain("looking at the town…");
  });
});

describe("mayor conversations on Discord", () => {
  const ada: FakeUser = { id: "300000000000000001", username: "ada" };
  let h: DiscordHarness;
  afterEach(async () => {
    await h.stop();
  });

  const botMessagesIn = (channelId: string) => [...h.discord.store.messages.values()].filter((m) => m.channel_id === channelId && m.webhook === null && m.content.includes("beads are open"));

  it("a mention in a channel opens a thread under it for the conversation; a mention in that thread continues it", async () => {
    h = await startDiscordHarness();
    h.town.mayorEnabled = true;
    const mayor = () => mayorCalls(h.town.callsTo("POST", /^\/mayor$/));
    const me: FakeUser = { id: h.discord.store.botUser.id, username: h.discord.store.botUser.username };

    const asked = h.discord.say({ user: ada, channelId: h.discord.channelId, content: `<@${me.id}> plan the release`, mentions: [me] });
    await until(() => mayor().length === 1, "mention handed to the mayor");
    // Discord starts a thread from a message with the message's own id.
    expect(mayor()[0]).toMatchObject({ platform: "discord", channelId: h.discord.channelId, threadId: asked.id, text: "plan the release" });
    expect(h.discord.store.channels.get(asked.id)).toMatchObject({ type: 11, parent_id: h.discord.channelId });
    await until(() => botMessagesIn(asked.id).some((m) => m.content === "Two beads are open. Both are on track."), "answer in the thread");

    h.discord.say({ user: ada, channelId: asked.id, content: `<@${me.id}> how is it going?`, mentions: [me] });
    await until(() => mayor().length === 2, "follow-up handed to the mayor");
    expect(mayor()[1]).toMatchObject({ channelId: h.discord.channelId, threadId: asked.id, text: "how is it going?" });
    await until(() => botMessagesIn(asked.id).filter((m) => m.content === "Two beads are open. Both are on track.").length === 2, "second answer");
    // One message per turn, never one per streamed part.
    expect(botMessagesIn(asked.id)).toHaveLength(2);
    const posted = h.discord.store.rest("POST", new RegExp(`/channels/${asked.id}/messages$`)).map((r) => JSON.stringify(r.body));
    expect(posted[0]).toContain("looking at the town…");
  });

  it("a DM is one conversation: the DM channel itself, since DMs hold no threads", async () => {
    h = await startDiscordHarness();
    h.town.mayorEnabled = true;
    const mayor = () => mayorCalls(h.town.callsTo("POST", /^\/mayor$/));
    const dm = h.discord.dmChannel(ada);
    h.discord.say({ user: ada, channelId: dm, content: "what is open?" });
    await until(() => mayor().length === 1, "DM handed to the mayor");
    h.discord.say({ user: ada, channelId: dm, content: "and closed?" });
    await until(() => mayor().length === 2, "second DM handed to the mayor");
    expect(mayor()).toMatchObject([
      { channelId: dm, threadId: dm },
      { channelId: dm, threadId: dm },
    ]);
    await until(() => botMessagesIn(dm).filter((m) => m.content === "Two beads are open. Both are on track.").length === 2, "answers in the DM");
    expect(h.discord.store.rest("POST", /\/threads$/)).toHaveLength(0);
  });
});
