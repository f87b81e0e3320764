import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger";
import { createDiscordAdapter, type DiscordAdapter } from "../bot/discord/discord-adapter";
import { FakeDiscord } from "./fakes/discord/fake-discord";

describe("Discord adapter outbound over REST (real discord.js REST client, fake Discord)", () => {
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;

  beforeEach(async () => {
    fake = await FakeDiscord.start();
    adapter = createDiscordAdapter({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, logger: silentLogger, gateway: false });
    await adapter.start(async () => {});
  });

  afterEach(async () => {
    await adapter.stop();
    await fake.close();
  });

  it("posts a card with buttons and edits it in place with the bot token", async () => {
    const ref = await adapter.post(
      { channelId: fake.channelId },
      { text: "Bead **gt-abcd**", card: { title: "gt-abcd fix login", fields: [{ name: "status", value: "open" }], tone: "info" }, buttons: [{ action: "bead_stop", label: "Stop", value: "gt-abcd", style: "danger" }] },
    );
    const post = fake.store.rest("POST", new RegExp(`^/channels/${fake.channelId}/messages$`))[0]!;
    expect(post.auth).toBe(`Bot ${fake.token}`);
    expect(post.body).toMatchObject({
      content: "Bead **gt-abcd**",
      embeds: [{ title: "gt-abcd fix login", fields: [{ name: "status", value: "open" }] }],
      components: [{ type: 1, components: [{ type: 2, custom_id: "bead_stop:gt-abcd", label: "Stop", style: 4 }] }],
    });
    await adapter.update(ref, { text: "Bead **gt-abcd** (working)", card: { title: "gt-abcd fix login", fields: [{ name: "status", value: "in progress" }] } });
    const patch = fake.store.rest("PATCH", new RegExp(`^/channels/${fake.channelId}/messages/${ref.messageId}$`));
    expect(patch).toHaveLength(1);
    expect(fake.store.messages.get(ref.messageId)).toMatchObject({ content: "Bead **gt-abcd** (working)", components: [] });
  });

  it("opens a thread under a card and posts into it", async () => {
    const ref = await adapter.post({ channelId: fake.channelId }, { text: "card" });
    const thread = await adapter.openThread(ref, `gt-abcd: ${"very long title ".repeat(20)}`);
    const open = fake.store.rest("POST", /\/threads$/)[0]!;
    expect(open.path).toBe(`/channels/${fake.channelId}/messages/${ref.messageId}/threads`);
    expect(String((open.body as { name: string }).name).length).toBeLessThanOrEqual(100);
    const inThread = await adapter.post(thread, { text: "snapshot" });
    expect(fake.store.messages.get(inThread.messageId)?.channel_id).toBe(thread.threadId);
    expect(inThread).toMatchObject({ channelId: fake.channelId, threadId: thread.threadId });
  });

  it("uploads a PNG as a multipart attachment", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const ref = await adapter.uploadImage({ channelId: fake.channelId }, png, "peek.png", "Terminal of polecat-1");
    const call = fake.store.rest("POST", /\/messages$/)[0]!;
    expect(call.files).toHaveLength(1);
    expect(call.files[0]).toMatchObject({ field: "files[0]", name: "peek.png", contentType: "image/png" });
    expect([...call.files[0]!.bytes]).toEqual([...png]);
    expect(call.body).toMatchObject({ content: "Terminal of polecat-1", attachments: [{ id: 0, filename: "peek.png" }] });
    expect(fake.store.messages.get(ref.messageId)?.attachments[0]?.filename).toBe("peek.png");
  });

  it("splits content over 2,000 characters across messages in order, card on the first", async () => {
    const text = Array.from({ length: 150 }, (_, i) => `line ${String(i).padStart(3, "0")} ${"x".repeat(25)}`).join("\n");
    const ref = await adapter.post({ channelId: fake.channelId }, { text, card: { title: "card", fields: [] } });
    const posts = fake.store.rest("POST", /\/messages$/).map((r) => r.body as { content: string; embeds?: unknown[] });
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts) expect(p.content.length).toBeLessThanOrEqual(2000);
    expect(posts.map((p) => p.content).join("\n")).toBe(text);
    expect(posts[0]?.embeds).toHaveLength(1);
    expect(posts.slice(1).every((p) => p.embeds === undefined)).toBe(true);
    expect(fake.store.messages.get(ref.messageId)?.embeds).toHaveLength(1);
  });

  it("truncates an edit over 2,000 characters instead of failing", async () => {
    const ref = await adapter.post({ channelId: fake.channelId }, { text: "short" });
    await adapter.update(ref, { text: "y ".repeat(3000) });
    const content = fake.store.messages.get(ref.messageId)?.content ?? "";
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content.endsWith("…")).toBe(true);
  });

  it("coalesces edits of one message that pile up: only the newest content follows the one in flight", async () => {
    const ref = await adapter.post({ channelId: fake.channelId }, { text: "v0" });
    await Promise.all([1, 2, 3, 4, 5].map((n) => adapter.update(ref, { text: `v${n}` })));
    const patches = fake.store.rest("PATCH", /\/messages\/\d+$/).map((r) => (r.body as { content: string }).content);
    expect(patches).toEqual(["v1", "v5"]);
    expect(fake.store.messages.get(ref.messageId)?.content).toBe("v5");
  });

  it("honours a 429 with retry_after: the post is retried after the wait, not lost", async () => {
    fake.rateLimit({ method: "POST", path: /^\/channels\/\d+\/messages$/, times: 1, retryAfter: 0.3 });
    const ref = await adapter.post({ channelId: fake.channelId }, { text: "after the limit" });
    const calls = fake.store.rest("POST", /\/messages$/);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    // The retry waited at least retry_after (a lower bound only; a slow machine waits longer).
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(300);
    expect(fake.store.messages.get(ref.messageId)?.content).toBe("after the limit");
  });

  it("keeps posts to one channel in order through 429s", async () => {
    fake.rateLimit({ method: "POST", path: /^\/channels\/\d+\/messages$/, times: 2, retryAfter: 0.1 });
    const refs = await Promise.all([1, 2, 3, 4, 5].map((n) => adapter.post({ channelId: fake.channelId }, { text: `m${n}` })));
    const landed = fake.store.rest("POST", /\/messages$/).filter((c) => c.status === 200).map((c) => (c.body as { content: string }).content);
    expect(landed).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    expect(refs.every((r) => fake.store.messages.has(r.messageId))).toBe(true);
  });
});
