import { describe, expect, it } from "vitest";
import type { Bead } from "../../core/domain";
import { addRig, alice, api, newTown, ok } from "../app-testing";

describe("/towns/:town/{chat,inbound,notifications}", () => {
  it("binds channels to rigs and looks them up both ways", async () => {
    const town = newTown();
    await addRig(town);
    const { channel } = await ok<{ channel: { rigId: string } }>("POST", `/towns/${town}/chat/channels`, { platform: "slack", channelId: "C1", rig: "web" }, 200);
    expect(await ok("GET", `/towns/${town}/chat/channels?platform=slack&channelId=C1`)).toEqual({
      channels: [{ platform: "slack", channelId: "C1", rigId: channel.rigId }],
    });
    expect(await ok("GET", `/towns/${town}/chat/channels?platform=slack&rig=web`)).toMatchObject({ channels: [{ channelId: "C1" }] });
    expect(await ok("GET", `/towns/${town}/chat/channels?platform=discord&channelId=C1`)).toEqual({ channels: [] });
    expect((await api("GET", `/towns/${town}/chat/channels?platform=slack`)).status).toBe(400);
  });

  it("binds threads to beads with their card and snapshot message ids, looked up both ways", async () => {
    const town = newTown();
    await addRig(town);
    const { bead } = await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", title: "x", actor: alice });
    const binding = { platform: "discord", channelId: "C1", threadId: "T9", cardMessageId: "M1" };
    await ok("PUT", `/towns/${town}/chat/threads/${bead.id}`, binding, 200);
    await ok("PUT", `/towns/${town}/chat/threads/${bead.id}`, { ...binding, snapshotMessageId: "M2" }, 200);
    const expected = { platform: "discord", beadId: bead.id, channelId: "C1", threadId: "T9", cardMessageId: "M1", snapshotMessageId: "M2" };
    expect(await ok("GET", `/towns/${town}/chat/threads/${bead.id}?platform=discord`)).toMatchObject({ thread: expected });
    expect(await ok("GET", `/towns/${town}/chat/threads?platform=discord&channelId=C1&threadId=T9`)).toMatchObject({ threads: [expected] });
    expect(await ok("GET", `/towns/${town}/chat/threads/${bead.id}?platform=slack`)).toEqual({ thread: null });
  });

  it("remembers a posted message under a key per platform, replaced by a later PUT", async () => {
    const town = newTown();
    expect(await ok("GET", `/towns/${town}/chat/refs/mayor:turn-1?platform=discord`)).toEqual({ ref: null });
    await ok("PUT", `/towns/${town}/chat/refs/mayor:turn-1`, { platform: "discord", channelId: "C1", threadId: "T1", messageId: "M1" }, 200);
    expect(await ok("GET", `/towns/${town}/chat/refs/mayor:turn-1?platform=discord`)).toEqual({
      ref: { platform: "discord", key: "mayor:turn-1", channelId: "C1", threadId: "T1", messageId: "M1" },
    });
    await ok("PUT", `/towns/${town}/chat/refs/mayor:turn-1`, { platform: "discord", channelId: "C1", messageId: "M2" }, 200);
    expect(await ok("GET", `/towns/${town}/chat/refs/mayor:turn-1?platform=discord`)).toMatchObject({ ref: { threadId: null, messageId: "M2" } });
    // Another platform's message under the same key is another ref.
    expect(await ok("GET", `/towns/${town}/chat/refs/mayor:turn-1?platform=slack`)).toEqual({ ref: null });
    expect((await api("PUT", `/towns/${town}/chat/refs/out:7`, { body: { platform: "slack", channelId: "C1" } })).status).toBe(400);
    expect((await api("PUT", `/towns/${town}/chat/refs/bad%20key`, { body: { platform: "slack", channelId: "C1", messageId: "M" } })).status).toBe(400);
    expect((await api("GET", `/towns/${town}/chat/refs/out:7`)).status).toBe(400);
  });

  it("dedupes inbound platform events: fresh once, then not", async () => {
    const town = newTown();
    const body = { platform: "slack", eventId: "Ev123" };
    expect(await ok("POST", `/towns/${town}/inbound`, body, 200)).toEqual({ fresh: true });
    expect(await ok("POST", `/towns/${town}/inbound`, body, 200)).toEqual({ fresh: false });
    expect(await ok("POST", `/towns/${town}/inbound`, { ...body, platform: "discord" }, 200)).toEqual({ fresh: true });
    expect((await api("POST", `/towns/${town}/inbound`, { body: { platform: "irc", eventId: "x" } })).status).toBe(400);
  });

  it("records a failed notification so people can see it", async () => {
    const town = newTown();
    expect(await ok("POST", `/towns/${town}/notifications/failed`, { what: "post bead card", error: "rate limited", attempt: 3 })).toEqual({ recorded: true });
  });
});
