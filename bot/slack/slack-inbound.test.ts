import { describe, expect, it } from "vitest";
import { classifyMessage, MessageEventPayload } from "./slack-inbound";

const ev = (text: string, over: Record<string, unknown> = {}) => MessageEventPayload.parse({ type: "message", channel: "C1", user: "U1", text, ts: "1.1", ...over });

describe("classifyMessage", () => {
  it("turns `!cmd` and `@gastown cmd` into commands", () => {
    expect(classifyMessage(ev("!status"), "UBOT")).toEqual({ kind: "command", text: "status" });
    expect(classifyMessage(ev("<@UBOT> peek gt-1abc"), "UBOT")).toEqual({ kind: "command", text: "peek gt-1abc" });
    expect(classifyMessage(ev("<@UBOT> !nudge hurry"), "UBOT")).toEqual({ kind: "command", text: "nudge hurry" });
  });
  it("keeps other text as messages, noting mentions and DMs", () => {
    expect(classifyMessage(ev("<@UBOT> can you plan this?"), "UBOT")).toEqual({ kind: "message", text: "can you plan this?", mentioned: true, dm: false });
    expect(classifyMessage(ev("looks good", { channel_type: "im" }), "UBOT")).toEqual({ kind: "message", text: "looks good", mentioned: false, dm: true });
  });
  it("ignores edits, bot posts and its own messages", () => {
    expect(classifyMessage(ev("x", { subtype: "message_changed" }), "UBOT").kind).toBe("ignore");
    expect(classifyMessage(ev("x", { bot_id: "B1" }), "UBOT").kind).toBe("ignore");
    expect(classifyMessage(ev("x", { user: "UBOT" }), "UBOT").kind).toBe("ignore");
  });
});
