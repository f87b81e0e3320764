import { ApplicationCommandOptionType as T } from "discord.js";
import { describe, expect, it } from "vitest";
import { interactionInbound, messageInbound } from "./discord-inbound";

const user = { id: "42", name: "ada" };

describe("interactionInbound", () => {
  it("makes a command from /gt options, addressed to the thread when used in one", () => {
    const inbound = interactionInbound({
      id: "i1",
      applicationId: "a",
      token: "t",
      kind: "command",
      user,
      channelId: "thread-9",
      parentId: "chan-1",
      dm: false,
      options: [{ name: "status", type: T.Subcommand, options: [] }],
    });
    expect(inbound).toEqual({ kind: "command", platform: "discord", eventId: "i1", user, target: { channelId: "chan-1", threadId: "thread-9" }, text: "status" });
  });

  it("makes a button press from custom_id action:value", () => {
    const inbound = interactionInbound({ id: "i2", applicationId: "a", token: "t", kind: "button", user, channelId: "c", parentId: null, dm: false, customId: "esc_ack:gt-e1xx", messageId: "m1" });
    expect(inbound).toMatchObject({ kind: "button", action: "esc_ack", value: "gt-e1xx", messageId: "m1", target: { channelId: "c" } });
  });
});

describe("messageInbound", () => {
  const base = { id: "m1", user, channelId: "c", parentId: null, dm: false, mentioned: false, botUserId: "7" };

  it("strips the bot's mention and keeps the rest for the router", () => {
    expect(messageInbound({ ...base, content: "<@7> what is slow?", mentioned: true })).toMatchObject({ kind: "message", text: "what is slow?", mentioned: true });
  });

  it("reads !cmd as a command", () => {
    expect(messageInbound({ ...base, content: "!nudge keep going" })).toMatchObject({ kind: "command", text: "nudge keep going" });
  });

  it("marks DMs", () => {
    expect(messageInbound({ ...base, content: "hi", dm: true })).toMatchObject({ kind: "message", dm: true });
  });

  it("names a channel message (a thread can start under it), not a DM or a message already in a thread", () => {
    expect(messageInbound({ ...base, content: "hi" })).toMatchObject({ kind: "message", messageId: "m1" });
    expect(messageInbound({ ...base, content: "hi", dm: true })).not.toHaveProperty("messageId");
    expect(messageInbound({ ...base, content: "hi", channelId: "t1", parentId: "c" })).not.toHaveProperty("messageId");
  });
});
