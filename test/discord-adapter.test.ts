import { ApplicationCommandOptionType as T } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Inbound, InboundHandler, Responder } from "../core/chat";
import { silentLogger } from "../core/logger";
import { createDiscordAdapter, type DiscordAdapter } from "../bot/discord/discord-adapter";
import { FakeDiscord } from "./fakes/discord/fake-discord";

const ada = { id: "300000000000000001", username: "ada" };

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

/** Collects what the adapter delivers, and lets a test hold the handler mid-work. */
function recorder() {
  const got: { event: Inbound; respond: Responder }[] = [];
  const waiters: (() => void)[] = [];
  let hold: Promise<void> | null = null;
  const handler: InboundHandler = async (event, respond) => {
    got.push({ event, respond });
    for (const w of waiters.splice(0)) w();
    if (hold) await hold;
  };
  const next = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (got.length >= n ? resolve() : waiters.push(check));
      setTimeout(() => reject(new Error(`handler got ${got.length} events, wanted ${n}`)), 10_000).unref();
      check();
    });
  return {
    got,
    handler,
    next,
    setHold: (p: Promise<void> | null) => {
      hold = p;
    },
  };
}

describe("Discord adapter against the fake Discord (real discord.js client)", () => {
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  let rec: ReturnType<typeof recorder>;

  beforeEach(async () => {
    fake = await FakeDiscord.start();
    adapter = createDiscordAdapter({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, logger: silentLogger });
    rec = recorder();
    await adapter.start(rec.handler);
  });

  afterEach(async () => {
    await adapter.stop();
    await fake.close();
  });

  it("finds the Gateway through GET /gateway/bot and identifies with the intents it needs", async () => {
    expect(fake.store.rest("GET", /^\/gateway\/bot$/)).toHaveLength(1);
    const identify = fake.store.log.find((r) => r.kind === "gateway" && r.op === 2);
    const intents = (identify as { d: { intents: number } } | undefined)?.d.intents ?? 0;
    // Guilds | GuildMessages | DirectMessages | MessageContent
    expect(intents & (1 | 512 | 4096 | 32768)).toBe(1 | 512 | 4096 | 32768);
  });

  it("acknowledges /gt sling before the handler's slow work finishes, then delivers the command", async () => {
    const slow = gate();
    rec.setHold(slow.promise);
    const i = fake.slashCommand({
      user: ada,
      options: [{ name: "sling", type: T.Subcommand, options: [{ name: "title", type: T.String, value: "fix login" }, { name: "priority", type: T.String, value: "P1" }] }],
    });
    await rec.next(1);
    // The handler is now stuck in its slow work; the deferral must already be at Discord.
    const callbacks = await fake.store.until(() => fake.store.callbacks.get(i.id), 10_000, "the deferral");
    expect(callbacks).toEqual([{ type: 5, data: { flags: 64 } }]);
    const deferredAt = fake.store.rest("POST", /\/callback$/)[0]!.seq;
    const event = rec.got[0]!.event;
    expect(event).toMatchObject({ kind: "command", platform: "discord", eventId: i.id, text: 'sling "fix login" --priority P1', user: { id: ada.id } });
    expect(event.target).toEqual({ channelId: fake.channelId });

    await rec.got[0]!.respond.private({ text: "Slung gt-abcd" });
    const ref = await rec.got[0]!.respond.public({ text: "card", card: { title: "gt-abcd fix login", fields: [] } });
    slow.open();
    const edit = fake.store.rest("PATCH", /\/webhooks\/.*\/messages\/@original$/)[0]!;
    expect(edit.seq).toBeGreaterThan(deferredAt);
    expect(edit.body).toMatchObject({ content: "Slung gt-abcd" });
    expect(fake.store.messages.get(ref.messageId)).toMatchObject({ channel_id: fake.channelId, webhook: null });
  });

  it("removes the thinking reply when the handler said nothing privately", async () => {
    const i = fake.slashCommand({ user: ada, options: [{ name: "mq", type: T.Subcommand, options: [] }] });
    await rec.next(1);
    await fake.store.until(() => fake.store.rest("DELETE", /@original$/).length === 1, 10_000, "the delete");
    expect(fake.store.callbacks.get(i.id)).toHaveLength(1);
  });

  it("delivers a message in a bead thread with its thread id, and a button press", async () => {
    const card = await adapter.post({ channelId: fake.channelId }, { text: "bead", buttons: [{ action: "bead_stop", label: "Stop", value: "gt-abcd" }] });
    const thread = await adapter.openThread(card, "gt-abcd: fix login");
    expect(thread).toEqual({ channelId: fake.channelId, threadId: card.messageId });
    const threadOpen = fake.store.rest("POST", /\/threads$/)[0]!;
    expect(threadOpen.body).toMatchObject({ name: "gt-abcd: fix login" });

    const said = fake.say({ user: ada, channelId: thread.threadId!, content: "please also fix logout" });
    await rec.next(1);
    expect(rec.got[0]!.event).toEqual({
      kind: "message",
      platform: "discord",
      eventId: said.id,
      user: { id: ada.id, name: "ada", memberOf: [] },
      target: { channelId: fake.channelId, threadId: card.messageId },
      text: "please also fix logout",
      mentioned: false,
      dm: false,
    });

    const press = fake.pressButton({ user: ada, messageId: card.messageId, customId: "bead_stop:gt-abcd" });
    await rec.next(2);
    expect(fake.store.callbacks.get(press.id)).toEqual([{ type: 6, data: undefined }]);
    expect(rec.got[1]!.event).toMatchObject({ kind: "button", action: "bead_stop", value: "gt-abcd", messageId: card.messageId, eventId: press.id });
  });

  it("turns a DM into a message marked dm, and answers privately in the DM", async () => {
    const dm = fake.dmChannel(ada);
    fake.say({ user: ada, channelId: dm, content: "hello mayor" });
    await rec.next(1);
    expect(rec.got[0]!.event).toMatchObject({ kind: "message", dm: true, text: "hello mayor", target: { channelId: dm } });
    await rec.got[0]!.respond.private({ text: "hi" });
    expect(fake.store.rest("POST", new RegExp(`/channels/${dm}/messages$`))).toHaveLength(1);
  });

  it("delivers a mention of the bot in a channel as a message marked mentioned, mention removed", async () => {
    const bot = { id: fake.applicationId, username: "gastown" };
    fake.say({ user: ada, channelId: fake.channelId, content: `<@${bot.id}> why is CI red?`, mentions: [bot] });
    fake.say({ user: { id: "300000000000000002", username: "other-bot", bot: true }, channelId: fake.channelId, content: "beep" });
    await rec.next(1);
    expect(rec.got[0]!.event).toMatchObject({ kind: "message", text: "why is CI red?", mentioned: true, dm: false, target: { channelId: fake.channelId } });
  });

  it("delivers a dispatch replayed by a resume only once", async () => {
    const i = fake.slashCommand({ user: ada, options: [{ name: "status", type: T.Subcommand, options: [] }] });
    const said = fake.say({ user: ada, channelId: fake.channelId, content: "<@100000000000000001> hi", mentions: [{ id: fake.applicationId, username: "gastown" }] });
    await rec.next(2);
    const before = fake.gateway.sequence;
    // Discord re-sends everything after an older sequence, as when the client's last ack was lost.
    fake.gateway.drop({ replayAfter: before - 2 });
    await fake.store.until(() => fake.store.log.some((r) => r.kind === "gateway" && r.op === 6), 20_000, "the resume");
    await fake.store.until(() => fake.gateway.connected, 20_000, "the resumed session");
    // Fresh events after the resume: once the fence command has been acknowledged, handled and
    // tidied (three round trips after the replay arrived), anything the replay set off is visible.
    const after = fake.say({ user: ada, channelId: fake.channelId, content: "!status" });
    const fence = fake.slashCommand({ user: ada, options: [{ name: "mq", type: T.Subcommand, options: [] }] });
    await rec.next(4);
    await fake.store.until(() => fake.store.rest("DELETE", new RegExp(fence.token)).length === 1, 10_000, "the fence");
    expect(rec.got.map((g) => g.event.eventId).sort()).toEqual([i.id, said.id, after.id, fence.id].sort());
    // The replayed interaction was not even acknowledged a second time (Discord would refuse it).
    expect(fake.store.rest("POST", new RegExp(`^/interactions/${i.id}/.*/callback$`))).toHaveLength(1);
    // It was a resume of the same session, not a fresh identify.
    expect(fake.store.log.filter((r) => r.kind === "gateway" && r.op === 2)).toHaveLength(1);
  }, 30_000);
});

describe("fake Gateway heartbeats", () => {
  it("acknowledges discord.js heartbeats, so the session stays up without a reconnect", async () => {
    const fake = await FakeDiscord.start({ heartbeatInterval: 50 });
    const adapter = createDiscordAdapter({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, logger: silentLogger });
    try {
      await adapter.start(async () => {});
      const beats = () => fake.store.log.filter((r) => r.kind === "gateway" && r.op === 1).length;
      // discord.js drops a connection whose heartbeat went unacknowledged at the next beat.
      await fake.store.until(() => beats() >= 4, 10_000, "four heartbeats");
      const ops = fake.store.log.filter((r) => r.kind === "gateway").map((r) => (r as { op: number }).op);
      expect(ops.filter((op) => op === 2)).toHaveLength(1);
      expect(ops.filter((op) => op === 6)).toHaveLength(0);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });
});
