import { afterEach, describe, expect, it } from "vitest";
import type { ChatAdapter, ChatMessage, ChatMessageRef, ChatTarget } from "../core/chat";
import { GastownError } from "../core/errors";
import type { TownEvent } from "../core/events";
import { silentLogger } from "../core/logger";
import { FakeTownApi } from "../test/fakes/town-api";
import { Projector } from "./projector";
import { TownClient } from "./town-client";

/** An in-memory chat that can be told to fail. */
function memoryChat(failPosts: { n: number }) {
  const posts: { target: ChatTarget; msg: ChatMessage; id: string }[] = [];
  const adapter: Pick<ChatAdapter, "platform" | "post" | "update" | "openThread"> = {
    platform: "slack",
    async post(target, msg): Promise<ChatMessageRef> {
      if (failPosts.n-- > 0) throw new GastownError("unavailable", "chat is down");
      const id = `m${posts.length + 1}`;
      posts.push({ target, msg, id });
      return { channelId: target.channelId, messageId: id, ...(target.threadId ? { threadId: target.threadId } : {}) };
    },
    async update() {},
    async openThread(ref) {
      return { channelId: ref.channelId, threadId: ref.messageId };
    },
  };
  return { adapter, posts };
}

describe("Projector failures", () => {
  let town: FakeTownApi;
  afterEach(async () => {
    await town.stop();
  });

  const setup = async (failPosts: number) => {
    town = await new FakeTownApi().start();
    const client = new TownClient({ baseUrl: town.url, town: "slack:T1", token: town.token });
    await client.addRig({ name: "app", gitUrl: "https://x.test/app.git", actor: { kind: "user", id: "u" } });
    await client.bindChannel("slack", "C1", "rig-app");
    const chat = memoryChat({ n: failPosts });
    const projector = new Projector({ town: client, adapter: chat.adapter, logger: silentLogger, attempts: 3, retryDelayMs: () => 1 });
    const bead = town.addBead("rig-app", "a bead");
    const event = town.emit({ type: "bead_created", beadId: bead.id, rigId: "rig-app", data: { bead } }) as TownEvent;
    return { projector, chat, event };
  };

  it("retries a failed post and succeeds within the attempts", async () => {
    const { projector, chat, event } = await setup(2);
    expect(await projector.handle(event)).toBe("handled");
    expect(chat.posts).toHaveLength(1);
    expect(town.failures).toHaveLength(0);
  });

  it("after the last attempt it records notification_failed at the town, then lets the event go", async () => {
    const { projector, chat, event } = await setup(10);
    expect(await projector.handle(event)).toBe("handled");
    expect(chat.posts).toHaveLength(0);
    expect(town.failures).toEqual([expect.objectContaining({ attempt: 3, seq: event.seq, error: "chat is down" })]);
  });

  it("a one-off ping whose first post failed is still posted on retry, and never twice on replay", async () => {
    const { projector, chat } = await setup(0);
    const ping = town.emit({ type: "escalation_raised", rigId: "rig-app", data: { escalationId: "gt-es01", severity: "high", title: "stuck", body: "", source: "witness", targets: [] } }) as TownEvent;
    const failing = memoryChat({ n: 1 });
    const p2 = new Projector({ town: new TownClient({ baseUrl: town.url, town: "slack:T1", token: town.token }), adapter: failing.adapter, logger: silentLogger, attempts: 3, retryDelayMs: () => 1 });
    expect(await p2.handle(ping)).toBe("handled");
    expect(failing.posts).toHaveLength(1);
    // Another process replays the same event: the town holds the ref of the posted ping.
    expect(await projector.handle(ping)).toBe("handled");
    expect(chat.posts.filter((p) => p.msg.text.includes("stuck"))).toHaveLength(0);
  });

  it("does not let the event go when the failure cannot be recorded either", async () => {
    const { projector, event } = await setup(10);
    town.notificationRoute = false;
    expect(await projector.handle(event)).toBe("retry_later");
  });
});
