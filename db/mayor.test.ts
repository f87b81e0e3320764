import { describe, expect, it } from "vitest";
import { appendMayorMessage, getOrCreateConversation, listMayorMessages, MAX_MAYOR_MESSAGES, setConversationSummary } from "./mayor";
import { catchGastown, withTown } from "./test-helpers";
import { getMeta, incrementCounter, setMeta } from "./town-meta";

describe("mayor history and town meta", () => {
  it("keeps one conversation per thread with bounded history", async () => {
    await withTown((db) => {
      const key = { platform: "slack" as const, channelId: "C1", threadId: "1700.1", userId: "U1" };
      const conv = getOrCreateConversation(db, key, 1);
      expect(getOrCreateConversation(db, { ...key, userId: "U2" }, 2).id).toBe(conv.id);
      expect(getOrCreateConversation(db, { ...key, threadId: "1700.2" }, 2).id).not.toBe(conv.id);
      for (let i = 0; i < MAX_MAYOR_MESSAGES + 5; i++) appendMayorMessage(db, conv.id, i % 2 ? "assistant" : "user", { text: `m${i}` }, 10 + i);
      const history = listMayorMessages(db, conv.id);
      expect(history).toHaveLength(MAX_MAYOR_MESSAGES);
      expect(history[0]?.content).toEqual({ text: "m5" });
      expect(history.at(-1)?.content).toEqual({ text: `m${MAX_MAYOR_MESSAGES + 4}` });
      expect(listMayorMessages(db, conv.id, 2).map((m) => m.content)).toEqual([{ text: `m${MAX_MAYOR_MESSAGES + 3}` }, { text: `m${MAX_MAYOR_MESSAGES + 4}` }]);
      expect(setConversationSummary(db, conv.id, "wants SDK bumps", 500).summary).toBe("wants SDK bumps");
      expect(catchGastown(() => appendMayorMessage(db, "mc-nope", "user", "x", 1)).code).toBe("not_found");
      expect(catchGastown(() => appendMayorMessage(db, conv.id, "robot" as "user", "x", 1)).code).toBe("bad_request");
    });
  });

  it("stores meta values and counters", async () => {
    await withTown((db) => {
      expect(getMeta(db, "cursor")).toBeUndefined();
      setMeta(db, "cursor", "41");
      setMeta(db, "cursor", "42");
      expect(getMeta(db, "cursor")).toBe("42");
      expect(incrementCounter(db, "n")).toBe(1);
      expect(incrementCounter(db, "n", 5)).toBe(6);
    });
  });
});
